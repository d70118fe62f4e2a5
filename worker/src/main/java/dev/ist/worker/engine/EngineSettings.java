package dev.ist.worker.engine;

import dev.ist.common.IstConfig;

/**
 * What an engine is configured with, given to it at construction: nothing is read from the environment while a
 * transfer runs. {@link #fromSystem()} reads the {@code ist.engine.*} keys (a system property, else the environment
 * variable {@code IST_ENGINE_*}) once, for the front ends.
 *
 * @param maxInputPixels  decoded input images above this are refused ({@code ist.engine.max-pixels}, 40 MP); the CLI's
 *                        gate — the worker uses the job limits of the API instead
 * @param maxOutputPixels outputs above this are refused ({@code ist.engine.max-output-pixels}, 7680x4320)
 * @param threads         intra-op threads of PyTorch, 0 = its default ({@code ist.engine.threads}); PyTorch reads it
 *                        once, when the first engine of the process starts
 * @param memoryBudgetBytes the resident memory a transfer may use; levels that do not fit it untiled are tiled and
 *                        their L-BFGS history shortened ({@link TilePlanner}); 0 = no budget (untiled unless a
 *                        spec asks for tiles). The CLI's {@code --memory-budget}, the worker's
 *                        {@code ist.worker.memory-budget}
 */
public record EngineSettings(long maxInputPixels, long maxOutputPixels, int threads, long memoryBudgetBytes) {

    public static final long DEFAULT_MAX_INPUT_PIXELS = 40_000_000L;
    /** 7680x4320 (8K, 33 MP): print sizes run tiled within the memory budget ({@link TilePlanner}). */
    public static final long DEFAULT_MAX_OUTPUT_PIXELS = 7680L * 4320;

    public EngineSettings {
        if (maxInputPixels < 1 || maxOutputPixels < 1) {
            throw new IllegalArgumentException("ist.engine.max-pixels and ist.engine.max-output-pixels must be >= 1");
        }
        if (memoryBudgetBytes < 0) {
            throw new IllegalArgumentException("the memory budget must be >= 0");
        }
        if (threads < 0) {
            throw new IllegalArgumentException("ist.engine.threads must be >= 0");
        }
    }

    public static EngineSettings defaults() {
        return new EngineSettings(DEFAULT_MAX_INPUT_PIXELS, DEFAULT_MAX_OUTPUT_PIXELS, 0, 0);
    }

    /** From system properties and IST_* variables, read the one way every IST setting is ({@link IstConfig}). */
    public static EngineSettings fromSystem() {
        IstConfig c = IstConfig.fromSystem();
        try {
            return new EngineSettings(c.getLong("ist.engine.max-pixels", DEFAULT_MAX_INPUT_PIXELS),
                    c.getLong("ist.engine.max-output-pixels", DEFAULT_MAX_OUTPUT_PIXELS),
                    c.getInt("ist.engine.threads", 0), 0);
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException(e.getMessage());
        }
    }

    public EngineSettings withThreads(int n) {
        return new EngineSettings(maxInputPixels, maxOutputPixels, n, memoryBudgetBytes);
    }

    public EngineSettings withMaxOutputPixels(long n) {
        return new EngineSettings(maxInputPixels, n, threads, memoryBudgetBytes);
    }

    public EngineSettings withMemoryBudget(long bytes) {
        return new EngineSettings(maxInputPixels, maxOutputPixels, threads, bytes);
    }
}
