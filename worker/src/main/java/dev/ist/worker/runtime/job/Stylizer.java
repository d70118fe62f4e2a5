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
         * Whether this job fits the worker's memory budget, by its mode's own model: the untiled preflight here (the
         * fast path), the engine's tile plan for an optimisation job (which overrides it).
         *
         * @param width  the output's width
         * @param height the output's height
         */
        default JobMemoryCheck.Verdict memoryFit(dev.ist.worker.runtime.fleet.MemoryPreflight budget,
                                                 dev.ist.common.job.JobOptions options, int width, int height) {
            return JobMemoryCheck.untiled(budget, options, width, height);
        }
    }

    /** Where it runs, for the manifest: "cpu", "gpu:0", … */
    String device();

    /** Releases what the stylizer loaded itself (not an engine it was handed). */
    @Override
    void close();
}
