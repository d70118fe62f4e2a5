package dev.ist.worker.engine.precision;

import dev.ist.common.job.Precision;

import java.util.Locale;

/**
 * AUTO's answer for one machine: the measured timings, the margin bf16 had to beat fp32 by, and the precision that
 * follows. bf16 is chosen only when it ran at least {@code margin} times as fast and stayed in bf16.
 *
 * @param cached whether the timings came from the cache rather than a measurement in this process
 */
public record PrecisionCalibration(CalibrationKey key, PrecisionTimings timings, double margin, boolean cached) {

    /** The default margin: bf16 must be 1.2× as fast, so noise never flips a machine to the lossier arithmetic. */
    public static final double DEFAULT_MARGIN = 1.2;

    public PrecisionCalibration {
        if (!(margin > 0)) {
            throw new IllegalArgumentException("margin must be positive, was " + margin);
        }
    }

    /** The precision AUTO runs in on this machine. */
    public Precision choice() {
        return choose(timings, margin);
    }

    static Precision choose(PrecisionTimings t, double margin) {
        return t.bf16Fallback() == null && t.bf16Speedup() >= margin ? Precision.BF16 : Precision.FP32;
    }

    /** One line for logs, manifests and the bench: both timings, the speed-up, the margin, the choice. */
    public String describe() {
        String why = timings.bf16Fallback() != null ? "bf16 could not stay in bf16 (" + timings.bf16Fallback() + ")"
                : String.format(Locale.ROOT, "bf16 %.2fx fp32, margin %.2fx", timings.bf16Speedup(), margin);
        String bf16 = timings.bf16Extrapolated()
                ? String.format(Locale.ROOT, "bf16 ~%.0f ms/it extrapolated from a probe at %d px",
                        timings.bf16MsPerIteration(), timings.bf16ProbeSize())
                : String.format(Locale.ROOT, "bf16 %.0f ms/it", timings.bf16MsPerIteration());
        return String.format(Locale.ROOT, "measured at %d px%s: fp32 %.0f ms/it, %s (%s) -> %s",
                timings.size(), cached ? " (cached)" : "", timings.fp32MsPerIteration(), bf16, why, choice());
    }
}
