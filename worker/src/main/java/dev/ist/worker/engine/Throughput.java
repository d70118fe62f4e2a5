package dev.ist.worker.engine;

import dev.ist.common.job.Precision;
import dev.ist.worker.engine.precision.PrecisionTimings;

import java.util.EnumMap;
import java.util.Map;

/**
 * The measured speed of this process's engine, per precision: input pixels of one loss-and-gradient evaluation per
 * second, a moving average over the evaluations run so far. Before a precision has run a job it holds what the AUTO
 * calibration measured for it, if any; before that, the model's figure ({@link TilePlanner#SECONDS_PER_PIXEL_EVALUATION})
 * stands for fp32. What a worker advertises as its throughput, one rate per precision.
 */
public final class Throughput {
    private static final double SMOOTHING = 0.2;
    private static final Map<Precision, Double> RATES = new EnumMap<>(Precision.class);
    /** Precisions whose rate comes from evaluations of real jobs (a calibration's seed is replaced, not averaged). */
    private static final Map<Precision, Boolean> MEASURED = new EnumMap<>(Precision.class);

    private Throughput() {
    }

    /** Pixels per second of an evaluation in {@code precision}; fp32's when that one has no figure yet. */
    public static synchronized double pixelsPerSecond(Precision precision) {
        Double rate = RATES.get(precision);
        if (rate != null) {
            return rate;
        }
        return RATES.getOrDefault(Precision.FP32, 1 / TilePlanner.SECONDS_PER_PIXEL_EVALUATION);
    }

    /** The precisions with a figure of their own (measured by jobs or by the calibration), and their rates. */
    public static synchronized Map<Precision, Double> known() {
        return Map.copyOf(RATES);
    }

    /**
     * Seeds both precisions from an AUTO calibration (Adam: one evaluation per iteration of a {@code size}² image), so a
     * new worker advertises the speeds it measured before it has run a job. A precision real jobs have measured keeps
     * its own figure.
     */
    public static synchronized void seed(PrecisionTimings timings) {
        double pixels = (double) timings.size() * timings.size();
        seed(Precision.FP32, pixels / (timings.fp32MsPerIteration() / 1000));
        if (timings.bf16Fallback() == null) {
            seed(Precision.BF16, pixels / (timings.bf16MsPerIteration() / 1000));
        }
    }

    private static void seed(Precision precision, double rate) {
        if (!MEASURED.getOrDefault(precision, false)) {
            RATES.put(precision, rate);
        }
    }

    /** Records one evaluation in {@code precision} of {@code pixels} input pixels (halos included) that took {@code nanos}. */
    static synchronized void record(Precision precision, long pixels, long nanos) {
        if (nanos <= 0 || pixels <= 0 || precision == null || precision == Precision.AUTO) {
            return;
        }
        double rate = pixels / (nanos / 1e9);
        boolean measured = MEASURED.getOrDefault(precision, false);
        RATES.put(precision, measured ? (1 - SMOOTHING) * RATES.get(precision) + SMOOTHING * rate : rate);
        MEASURED.put(precision, true);
    }

    /** Forgets every figure (tests). */
    static synchronized void reset() {
        RATES.clear();
        MEASURED.clear();
    }
}
