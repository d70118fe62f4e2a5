// Run at image build time (java source-launcher mode, worker classpath) so the PyTorch native
// library of the chosen flavour is downloaded (cu128) or extracted (cpu) into ENGINE_CACHE_DIR
// inside the image. At run time the worker sets ai.djl.offline=true and finds it there: nothing
// is downloaded when a container starts.
import ai.djl.engine.Engine;

public final class FetchDjlNative {
    public static void main(String[] args) {
        boolean requireLoad = args.length > 0 && args[0].equals("--require-load");
        try {
            Engine engine = Engine.getEngine("PyTorch");
            System.out.println("DJL engine " + engine.getEngineName() + " " + engine.getVersion()
                    + " loaded; GPUs visible at build time: " + engine.getGpuCount());
        } catch (RuntimeException | LinkageError e) {
            // A CUDA build cannot always be loaded on a build host without an NVIDIA driver;
            // the files are in the cache by then and the Dockerfile checks for them.
            System.err.println("PyTorch engine did not load on the build host: " + e);
            if (requireLoad) {
                System.exit(1);
            }
        }
    }
}
