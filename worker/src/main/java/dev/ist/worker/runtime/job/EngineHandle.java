package dev.ist.worker.runtime.job;

import dev.ist.common.job.Precision;
import dev.ist.worker.engine.IterationListener;
import dev.ist.worker.engine.StyleTransferEngine;
import dev.ist.worker.engine.TransferResult;
import dev.ist.worker.engine.TransferSpec;
import dev.ist.worker.engine.precision.PrecisionCalibration;

import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The runtime's handle on the optimisation engine ({@link StyleTransferEngine} behind it): one transfer at a time, what
 * the network is (for manifests) and what AUTO precision means here.
 */
public interface EngineHandle extends AutoCloseable {

    TransferResult stylize(TransferSpec spec, IterationListener listener, BooleanSupplier cancelled);

    /** e.g. "cpu" or "gpu:0". */
    String device();

    String weightsDescription();

    String weightsSha256();

    /** Why {@code spec} runs in the precision it runs in (for AUTO: the machine's measurement), for the manifest. */
    default String precisionChoice(TransferSpec spec) {
        return null;
    }

    /** What AUTO was measured to mean on this machine, if it was. */
    default Optional<PrecisionCalibration> calibration() {
        return Optional.empty();
    }

    /** What a job that names no precision runs in here (FP32 or BF16): the speed the worker advertises first. */
    default Precision defaultPrecision() {
        return Precision.FP32;
    }

    @Override
    void close();

    /** The DJL engine behind the interface. */
    static EngineHandle of(StyleTransferEngine engine) {
        return new EngineHandle() {
            @Override
            public TransferResult stylize(TransferSpec spec, IterationListener listener, BooleanSupplier cancelled) {
                return engine.stylize(spec, listener, cancelled);
            }

            @Override
            public String device() {
                return engine.device();
            }

            @Override
            public String weightsDescription() {
                return engine.weights().description();
            }

            @Override
            public String weightsSha256() {
                return engine.weights().sha256();
            }

            @Override
            public String precisionChoice(TransferSpec spec) {
                return engine.precisionFor(spec).reason();
            }

            @Override
            public Optional<PrecisionCalibration> calibration() {
                return Optional.ofNullable(engine.calibration());
            }

            @Override
            public Precision defaultPrecision() {
                return engine.defaultPrecision();
            }

            @Override
            public void close() {
                engine.close();
            }
        };
    }
}
