package dev.ist.worker.engine;

import dev.ist.common.job.Precision;
import dev.ist.worker.engine.optim.Evaluation;
import dev.ist.worker.engine.precision.Bf16Fallback;

import java.util.function.Consumer;

/**
 * A level's objective (untiled or tiled alike) whose network runs in the run's current precision: every evaluation
 * goes through the run's {@link Bf16Fallback}, which sets the network's precision for it and redoes it in fp32 (and
 * stays there) when bf16 gave non-finite values. The losses themselves are the wrapped objective's, in fp32.
 *
 * <p>The first {@code fp32Evaluations} evaluations of a level run in fp32. L-BFGS needs it: its first step has length
 * min(1, 1/|g|₁), a tiny move, and the curvature pair it yields (y = g₁ − g₀) is then swamped by bf16's rounding of the
 * two gradients, which mis-scales the second step and stays in the history. Measured at 256 px (100 iterations,
 * random VGG19): with an all-bf16 level the loss after iteration 2 was 2.95 against fp32's 1.61; with the first two
 * evaluations in fp32 it was 1.61, and the bf16 run stayed within 0.7 % of fp32 to iteration 100.
 */
final class PrecisionObjective implements LevelObjective {
    /** Evaluations in fp32 at the start of an L-BFGS level: the start point and the first step's (one pair). */
    static final int LBFGS_FP32_EVALUATIONS = 2;

    private final LevelObjective inner;
    private final Consumer<Precision> networkPrecision;
    private final Bf16Fallback fallback;
    private final int fp32Evaluations;
    private int evaluated;

    /**
     * @param networkPrecision sets the precision of the network {@code inner} runs on
     * @param fp32Evaluations  how many evaluations at the start run in fp32 whatever the run's precision
     */
    PrecisionObjective(LevelObjective inner, Consumer<Precision> networkPrecision, Bf16Fallback fallback,
                       int fp32Evaluations) {
        this.inner = inner;
        this.fp32Evaluations = fp32Evaluations;
        this.networkPrecision = networkPrecision;
        this.fallback = fallback;
    }

    @Override
    public Evaluation evaluate(float[] x) {
        if (evaluated++ < fp32Evaluations) {
            networkPrecision.accept(Precision.FP32);
            return inner.evaluate(x);
        }
        return fallback.evaluate(p -> {
            networkPrecision.accept(p);
            return inner.evaluate(x);
        });
    }

    @Override
    public GatysObjective.Terms lossOnly(float[] x) {
        networkPrecision.accept(fallback.current());
        return inner.lossOnly(x);
    }

    @Override
    public int evaluations() {
        return inner.evaluations();
    }

    @Override
    public void close() {
        inner.close();
    }
}
