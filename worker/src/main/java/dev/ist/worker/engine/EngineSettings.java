package dev.ist.worker.engine;

/**
 * What an engine is configured with, given to it at construction: nothing is read from the environment while a
 * transfer runs. {@link #fromSystem()} reads the {@code ist.engine.*} keys (a system property, else the environment
 * variable {@code IST_ENGINE_*}) once, for the front ends.
 *
 * @param maxInputPixels  decoded input images above this are refused ({@code ist.engine.max-pixels}, 40 MP); the CLI's
 *                        gate — the worker uses the job limits of the API instead
 * @param maxOutputPixels outputs above this are refused ({@code ist.engine.max-output-pixels}, about 2048²)
 * @param threads         intra-op threads of PyTorch, 0 = its default ({@code ist.engine.threads}); PyTorch reads it
 *                        once, when the first engine of the process starts
 */
public record EngineSettings(long maxInputPixels, long maxOutputPixels, int threads) {

    public static final long DEFAULT_MAX_INPUT_PIXELS = 40_000_000L;
    /** About 2048x2048: beyond it a CPU run takes hours. */
    public static final long DEFAULT_MAX_OUTPUT_PIXELS = 4_194_304L;

    public EngineSettings {
        if (maxInputPixels < 1 || maxOutputPixels < 1) {
            throw new IllegalArgumentException("ist.engine.max-pixels and ist.engine.max-output-pixels must be >= 1");
        }
        if (threads < 0) {
            throw new IllegalArgumentException("ist.engine.threads must be >= 0");
        }
    }

    public static EngineSettings defaults() {
        return new EngineSettings(DEFAULT_MAX_INPUT_PIXELS, DEFAULT_MAX_OUTPUT_PIXELS, 0);
    }

    public static EngineSettings fromSystem() {
        return new EngineSettings(Settings.getLong("ist.engine.max-pixels", DEFAULT_MAX_INPUT_PIXELS),
                Settings.getLong("ist.engine.max-output-pixels", DEFAULT_MAX_OUTPUT_PIXELS),
                (int) Settings.getLong("ist.engine.threads", 0));
    }

    public EngineSettings withThreads(int n) {
        return new EngineSettings(maxInputPixels, maxOutputPixels, n);
    }

    public EngineSettings withMaxOutputPixels(long n) {
        return new EngineSettings(maxInputPixels, n, threads);
    }
}
