package dev.ist.worker.runtime.job;

import dev.ist.common.job.JobOptions;
import dev.ist.worker.engine.EngineState;
import dev.ist.worker.engine.InitKind;
import dev.ist.worker.engine.OptimizerKind;
import dev.ist.worker.engine.Pooling;
import dev.ist.worker.engine.StyleTargets;
import dev.ist.worker.engine.TransferSpec;

import java.util.List;

/** Turns a request's options and fetched inputs into the engine's {@link TransferSpec}. */
public final class SpecFactory {

    private SpecFactory() {
    }

    /** Throws {@link dev.ist.worker.engine.InvalidSpecException} when the engine refuses an option. */
    public static TransferSpec build(JobOptions o, JobInputs inputs, EngineState resumeFrom,
                                     List<StyleTargets> targets) {
        TransferSpec.Builder b = TransferSpec.builder()
                .content(inputs.content())
                .styles(inputs.styles())
                .size(o.size())
                .iterations(o.iterations())
                .contentWeight(o.contentWeight())
                .styleWeight(o.styleWeight())
                .tvWeight(o.tvWeight())
                .contentLayers(o.contentLayers())
                .styleLayers(o.styleLayers())
                .optimizer(o.optimizer() == dev.ist.common.job.Optimizer.ADAM ? OptimizerKind.ADAM : OptimizerKind.LBFGS)
                .learningRate(o.learningRate() == null ? Double.NaN : o.learningRate())
                .seed(o.seed())
                .preserveColors(o.preserveColors())
                .multiScale(o.multiScale())
                .styleScale(o.styleScale())
                .pooling(o.pooling() == dev.ist.common.job.Pooling.AVG ? Pooling.AVG : Pooling.MAX)
                .resumeFrom(resumeFrom)
                .styleTargets(targets);
        switch (o.init()) {
            case NOISE -> b.init(InitKind.NOISE);
            case IMAGE -> b.initImage(inputs.initImage());
            default -> b.init(InitKind.CONTENT);
        }
        return b.build();
    }
}
