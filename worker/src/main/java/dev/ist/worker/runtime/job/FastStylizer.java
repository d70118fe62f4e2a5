package dev.ist.worker.runtime.job;

import dev.ist.common.job.JobRequest;
import dev.ist.worker.engine.EngineState;
import dev.ist.worker.engine.TransferResult;
import dev.ist.worker.fast.FastStyleEngine;

/**
 * {@link dev.ist.common.job.JobMode#FAST}: one pass of a pre-trained network from the model registry on ONNX Runtime
 * (CPU). There is nothing to resume: a checkpoint is ignored. Closing it closes the loaded networks.
 */
public final class FastStylizer implements Stylizer {

    private final FastStyleEngine engine;

    public FastStylizer(FastStyleEngine engine) {
        this.engine = engine;
    }

    @Override
    public Prepared prepare(JobRequest request, JobInputs inputs, EngineState resume) {
        return (listener, stop) -> {
            TransferResult result = engine.stylize(request.options(), inputs.content(), listener, stop);
            return new Stylized(result, new JobManifest.Weights(result.weightsDescription(), result.weightsSha256()),
                    false);
        };
    }

    @Override
    public String device() {
        return "cpu";
    }

    @Override
    public void close() {
        engine.close();
    }
}
