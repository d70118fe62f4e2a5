package dev.ist.common.job;

/**
 * Configurable bounds on what one job may ask for. The defaults are safe for a CPU worker with a few GiB.
 * Keys: {@code ist.limits.max-size}, {@code ist.limits.max-iterations}, {@code ist.limits.max-styles},
 * {@code ist.limits.max-input-pixels}, {@code ist.limits.max-input-bytes}.
 */
public record JobLimits(
        int minSize,
        int maxSize,
        int maxIterations,
        int maxStyles,
        long maxInputPixels,
        long maxInputBytes,
        double maxWeight,
        double maxStyleScale) {

    /** Fixed bounds (not configuration): read by {@link JobValidator} and by what tells clients the limits. */
    public static final double MAX_LEARNING_RATE = 1000.0;
    /** Beyond this the content term swamps the style where the mask is white; nobody wants that. */
    public static final double MAX_CONTENT_MASK_WEIGHT = 100.0;
    /** 1 = the mask changes nothing; below it would lower the content weight where the mask is white. */
    public static final double MIN_CONTENT_MASK_WEIGHT = 1.0;
    /** The first optimiser iteration count a job may ask for. */
    public static final int MIN_ITERATIONS = 1;

    public static JobLimits defaults() {
        return new JobLimits(16, 2048, 5000, 4, 40_000_000L, 25L * 1024 * 1024, 1.0e9, 4.0);
    }

    public JobLimits withMaxSize(int v) {
        return new JobLimits(minSize, v, maxIterations, maxStyles, maxInputPixels, maxInputBytes, maxWeight,
                maxStyleScale);
    }

    public JobLimits withMaxIterations(int v) {
        return new JobLimits(minSize, maxSize, v, maxStyles, maxInputPixels, maxInputBytes, maxWeight,
                maxStyleScale);
    }

    public JobLimits withMaxStyles(int v) {
        return new JobLimits(minSize, maxSize, maxIterations, v, maxInputPixels, maxInputBytes, maxWeight,
                maxStyleScale);
    }

    /** Reads the limits from a config lookup (system properties / env via {@link dev.ist.common.IstConfig}). */
    public static JobLimits from(dev.ist.common.IstConfig config) {
        JobLimits d = defaults();
        return new JobLimits(
                config.getInt("ist.limits.min-size", d.minSize()),
                config.getInt("ist.limits.max-size", d.maxSize()),
                config.getInt("ist.limits.max-iterations", d.maxIterations()),
                config.getInt("ist.limits.max-styles", d.maxStyles()),
                config.getLong("ist.limits.max-input-pixels", d.maxInputPixels()),
                config.getLong("ist.limits.max-input-bytes", d.maxInputBytes()),
                config.getDouble("ist.limits.max-weight", d.maxWeight()),
                config.getDouble("ist.limits.max-style-scale", d.maxStyleScale()));
    }
}
