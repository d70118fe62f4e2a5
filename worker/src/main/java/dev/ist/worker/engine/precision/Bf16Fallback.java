package dev.ist.worker.engine.precision;

import dev.ist.common.job.Precision;
import dev.ist.worker.engine.optim.Evaluation;

import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs evaluations in the chosen precision and, the first time a bf16 evaluation comes back with a non-finite loss or
 * gradient (bf16 keeps float32's range but only 8 bits of mantissa, so an overflow or a 0·∞ upstream shows as
 * Inf/NaN), redoes that evaluation in fp32 and stays in fp32 for the rest of the run. The reason goes to
 * {@code onFallback} once, for the log and a counter. One instance per run; not thread-safe.
 */
public final class Bf16Fallback {
    private final Consumer<String> onFallback;
    private Precision current;

    public Bf16Fallback(Precision resolved, Consumer<String> onFallback) {
        if (resolved == Precision.AUTO) {
            throw new IllegalArgumentException("resolve AUTO with PrecisionSelector first");
        }
        this.current = resolved;
        this.onFallback = onFallback;
    }

    /** The precision the next evaluation runs in. */
    public Precision current() {
        return current;
    }

    /** {@code attempt} evaluated in the current precision, or again in fp32 when bf16 gave non-finite values. */
    public Evaluation evaluate(Function<Precision, Evaluation> attempt) {
        Evaluation ev = attempt.apply(current);
        if (current == Precision.FP32) {
            return ev;
        }
        String problem = nonFinite(ev.loss(), ev.gradient());
        if (problem == null) {
            return ev;
        }
        current = Precision.FP32;
        onFallback.accept("bf16 evaluation gave " + problem + "; redone in fp32, the run continues in fp32");
        return attempt.apply(Precision.FP32);
    }

    /** What is non-finite in a loss and its gradient ("a NaN loss", "3 non-finite gradient values"), or null. */
    public static String nonFinite(double loss, float[] gradient) {
        int bad = 0;
        for (float g : gradient) {
            if (!Float.isFinite(g)) {
                bad++;
            }
        }
        String lossProblem = Double.isNaN(loss) ? "a NaN loss" : Double.isInfinite(loss) ? "an infinite loss" : null;
        String gradientProblem = bad == 0 ? null : bad + " non-finite gradient value" + (bad == 1 ? "" : "s");
        if (lossProblem == null) {
            return gradientProblem;
        }
        return gradientProblem == null ? lossProblem : lossProblem + " and " + gradientProblem;
    }
}
