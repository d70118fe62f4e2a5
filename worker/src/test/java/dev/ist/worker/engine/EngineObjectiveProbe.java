package dev.ist.worker.engine;

import dev.ist.common.job.Pooling;
import dev.ist.worker.engine.optim.Evaluation;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The engine's own fp32 objective (DJL operations, {@link GatysObjective}) opened from outside the package, so
 * benches elsewhere can time one evaluation of it next to an alternative implementation on the same inputs.
 */
public final class EngineObjectiveProbe implements AutoCloseable {
    private final GatysObjective objective;

    /** The default layers, MAX pooling, the given loss weights; content and style are square images of {@code side}. */
    public EngineObjectiveProbe(StyleTransferEngine engine, BufferedImage content, BufferedImage style, int side,
                                double contentWeight, double styleWeight, double tvWeight) {
        TransferSpec spec = TransferSpec.builder().content(content).style(style).size(side)
                .contentWeight(contentWeight).styleWeight(styleWeight).tvWeight(tvWeight).build();
        StyleTargets targets = engine.computeStyleTargets(List.of(style), List.of(1.0), side, spec);
        objective = new GatysObjective(engine.network(Pooling.MAX), engine.manager(), spec,
                ImageOps.toChw(ImageOps.resize(content, side, side)), side, side, targets);
    }

    public Evaluation evaluate(float[] x) {
        return objective.evaluate(x);
    }

    @Override
    public void close() {
        objective.close();
    }
}
