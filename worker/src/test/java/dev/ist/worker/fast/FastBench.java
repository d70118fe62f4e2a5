package dev.ist.worker.fast;

import dev.ist.common.model.ModelInfo;
import dev.ist.common.model.OnnxStyleNetwork;
import dev.ist.testkit.TestImages;
import dev.ist.worker.engine.ImageOps;
import dev.ist.worker.runtime.FastJobPathBench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Prints the fast path's speed on this machine's CPU for the generated test network
 * (tools/fastmodel/make_model.py): images per second of direct inference at 512² and 1024² (one pass, and 1024² as
 * 512-px tiles), and what the job path (real broker, S3 server and worker runtime) adds over direct inference.
 * Run: {@code ./ist bench-fast [runs]}. No assertions: figures only.
 */
public final class FastBench {

    private FastBench() {
    }

    public static void main(String[] args) throws Exception {
        int status = 0;
        try {
            bench(args.length > 0 ? Integer.parseInt(args[0]) : 10);
        } catch (Throwable t) {
            t.printStackTrace();
            status = 1;
        }
        System.exit(status); // the test broker's threads would keep the JVM alive
    }

    private static void bench(int runs) throws Exception {
        byte[] onnx = FastModelFixtures.tinyStyleOnnx();
        System.out.printf(Locale.ROOT, "fast path bench: tiny generated network (%d bytes), CPU, %d cores, %d runs%n",
                onnx.length, Runtime.getRuntime().availableProcessors(), runs);
        ModelInfo whole = new ModelInfo("bench-tiny", "bench", 16, 1024, 1, 1024, 64, 255.0, null, null, null)
                .withDefaults();
        ModelInfo tiled = new ModelInfo("bench-tiny", "bench", 16, 512, 1, 512, 64, 255.0, null, null, null)
                .withDefaults();
        double direct512;
        try (OnnxStyleNetwork net = OnnxStyleNetwork.load("bench-tiny", onnx)) {
            direct512 = direct(net, whole, 512, runs, "512x512, one pass");
            direct(net, whole, 1024, Math.max(2, runs / 2), "1024x1024, one pass");
            direct(net, tiled, 1024, Math.max(2, runs / 2), "1024x1024, 512 px tiles, overlap 64");
        }
        List<FastJobPathBench.Sample> samples = FastJobPathBench.run(onnx, whole, 512, 2, runs);
        long[] e2e = samples.stream().mapToLong(FastJobPathBench.Sample::endToEndMs).sorted().toArray();
        double mean = Arrays.stream(e2e).average().orElse(0);
        System.out.printf(Locale.ROOT, "job path 512x512: submit -> SUCCEEDED mean %.0f ms, median %d ms (n=%d); "
                        + "direct inference %.0f ms; overhead %.0f ms (%.1fx)%n", mean, e2e[e2e.length / 2],
                e2e.length, direct512, mean - direct512, mean / direct512);
        System.out.println("job phases (ms) as the SUCCEEDED events report them:");
        for (FastJobPathBench.Sample s : samples) {
            System.out.println("  " + s.timingsMs());
        }
    }

    /** Mean milliseconds per image of {@link FastStyleEngine#stylize} (scale, tiles, clamp) on a noise image. */
    private static double direct(OnnxStyleNetwork net, ModelInfo info, int side, int runs, String label) {
        float[] chw = ImageOps.toChw(TestImages.noise(side, side, 5));
        FastStyleEngine.stylize(net, info, chw, side, side); // warm-up
        FastStyleEngine.stylize(net, info, chw, side, side);
        long start = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            FastStyleEngine.stylize(net, info, chw, side, side);
        }
        double ms = (System.nanoTime() - start) / 1e6 / runs;
        System.out.printf(Locale.ROOT, "direct %-40s %8.1f ms/image  %7.2f images/s%n", label, ms, 1000 / ms);
        return ms;
    }
}
