package dev.ist.worker.runtime.job;

import dev.ist.common.job.JobRequest;
import dev.ist.worker.engine.EngineState;
import dev.ist.worker.engine.IterationListener;

import java.util.function.BooleanSupplier;

/**
 * How one job mode makes its image: the port between the job runner and an engine. The runner picks the stylizer by
 * {@link dev.ist.common.job.JobMode}; everything around it (inputs, checkpoints, events, storage, commit) is the same
 * for every mode. A new mode implements this interface and is registered with the worker.
 *
 * <p>Failures are the engine's exceptions: {@link dev.ist.worker.engine.InvalidSpecException} (the options cannot
 * work; FAILED INVALID_REQUEST), {@link dev.ist.worker.engine.InvalidImageException},
 * {@link dev.ist.worker.engine.WeightsException}, {@link dev.ist.worker.engine.EngineOutOfMemoryException} (with the
 * long side that should fit), {@link dev.ist.worker.engine.TransferCancelledException} when {@code stop} turned true.
 */
public interface Stylizer extends AutoCloseable {

    /**
     * Checks a job's options against this engine and binds its inputs, before anything is announced: an option the
     * engine refuses fails the job without a RUNNING event.
     *
     * @param resume the state of the job's last checkpoint, or null
     */
    Prepared prepare(JobRequest request, JobInputs inputs, EngineState resume);

    /** A job ready to run. */
    interface Prepared {
        /**
         * @param listener each iteration (the last one marked final)
         * @param stop     polled often; when it turns true the run ends with a TransferCancelledException
         */
        Stylized run(IterationListener listener, BooleanSupplier stop);

        /**
         * The same job with a shorter L-BFGS history (the memory preflight's choice); modes without one ignore it.
         */
        default Prepared withLbfgsHistory(int pairs) {
            return this;
        }

        /** The engine spec this job runs, for the memory check's tiled quote; empty for modes without one. */
        default java.util.Optional<dev.ist.worker.engine.TransferSpec> transferSpec() {
            return java.util.Optional.empty();
        }
    }

    /** Where it runs, for the manifest: "cpu", "gpu:0", … */
    String device();

    /** Releases what the stylizer loaded itself (not an engine it was handed). */
    @Override
    void close();
}
