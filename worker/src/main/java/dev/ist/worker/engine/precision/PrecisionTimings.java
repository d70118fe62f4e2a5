package dev.ist.worker.engine.precision;

/**
 * What one calibration measured: the median wall time of an iteration of the real objective in fp32 and in bf16, at
 * one size. {@code bf16Fallback} is set when the bf16 run could not stay in bf16 (a non-finite evaluation): then bf16
 * is not a choice, whatever its speed.
 */
public record PrecisionTimings(double fp32MsPerIteration, double bf16MsPerIteration, int size, int iterations,
                               String bf16Fallback) {

    public PrecisionTimings {
        if (!(fp32MsPerIteration > 0) || !(bf16MsPerIteration > 0)) {
            throw new IllegalArgumentException("timings must be positive: fp32 " + fp32MsPerIteration + " ms, bf16 "
                    + bf16MsPerIteration + " ms");
        }
    }

    /** How many times faster bf16 ran than fp32 (below 1: slower). */
    public double bf16Speedup() {
        return fp32MsPerIteration / bf16MsPerIteration;
    }
}
