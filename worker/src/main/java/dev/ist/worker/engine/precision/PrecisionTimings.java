package dev.ist.worker.engine.precision;

/**
 * What one calibration measured: the median wall time of an iteration of the real objective in fp32 and in bf16, at
 * one size. {@code bf16Fallback} is set when the bf16 run could not stay in bf16 (a non-finite evaluation): then bf16
 * is not a choice, whatever its speed.
 *
 * <p>{@code bf16ProbeSize} is 0 when bf16 was timed at {@code size} like fp32. Where bf16 ran many times slower than
 * fp32 in a small probe (a CPU whose oneDNN has no bf16 kernels and emulates them: 33x slower on an AVX2-only EPYC),
 * timing it at {@code size} would cost minutes and tell nothing new; then it is the probe size, and
 * {@code bf16MsPerIteration} is fp32's time at {@code size} times the slowdown the probe measured.
 */
public record PrecisionTimings(double fp32MsPerIteration, double bf16MsPerIteration, int size, int iterations,
                               String bf16Fallback, int bf16ProbeSize) {

    public PrecisionTimings {
        if (!(fp32MsPerIteration > 0) || !(bf16MsPerIteration > 0)) {
            throw new IllegalArgumentException("timings must be positive: fp32 " + fp32MsPerIteration + " ms, bf16 "
                    + bf16MsPerIteration + " ms");
        }
        if (bf16ProbeSize < 0 || bf16ProbeSize >= size && bf16ProbeSize != 0) {
            throw new IllegalArgumentException("a probe size is below the measured size " + size + ", was "
                    + bf16ProbeSize);
        }
    }

    /** Both precisions timed at {@code size}. */
    public PrecisionTimings(double fp32MsPerIteration, double bf16MsPerIteration, int size, int iterations,
                            String bf16Fallback) {
        this(fp32MsPerIteration, bf16MsPerIteration, size, iterations, bf16Fallback, 0);
    }

    /** How many times faster bf16 ran than fp32 (below 1: slower). */
    public double bf16Speedup() {
        return fp32MsPerIteration / bf16MsPerIteration;
    }

    /** Whether bf16's figure is extrapolated from a probe at {@link #bf16ProbeSize()} rather than timed at size. */
    public boolean bf16Extrapolated() {
        return bf16ProbeSize > 0;
    }
}
