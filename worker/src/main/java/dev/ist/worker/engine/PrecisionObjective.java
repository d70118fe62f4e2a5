package dev.ist.worker.engine;

import dev.ist.common.job.Precision;
import dev.ist.worker.engine.optim.Evaluation;
import dev.ist.worker.engine.precision.Bf16Fallback;

import java.util.function.Consumer;

/**
 * A level's objective (untiled or tiled alike) whose network runs in the run's current precision: every evaluation
 * goes through the run's {@link Bf16Fallback}, which sets the network's precision for it and redoes it in fp32 (and
 * stays there) when bf16 gave non-finite values. The losses themselves are the wrapped objective's, in fp32.
 */
final class PrecisionObjective implements LevelObjective {
    private final LevelObjective inner;
    private final Consumer<Precision> networkPrecision;
    private final Bf16Fallback fallback;

    /** @param networkPrecision sets the precision of the network {@code inner} runs on */
    PrecisionObjective(LevelObjective inner, Consumer<Precision> networkPrecision, Bf16Fallback fallback) {
        this.inner = inner;
        this.networkPrecision = networkPrecision;
        this.fallback = fallback;
    }

    @Override
    public Evaluation evaluate(float[] x) {
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
