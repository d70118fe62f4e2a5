/**
 * One job, from its message on the jobs topic to its one terminal event. {@link dev.ist.worker.runtime.job.JobRunner}
 * runs three stages with injected collaborators:
 *
 * <ol>
 * <li>{@link dev.ist.worker.runtime.job.Admission}: decode, re-validate, replay the terminal marker of an earlier
 * attempt, wait for the control topic, check for a cancel (control topic, then the durable cancel marker); then
 * claim the job ({@link dev.ist.worker.runtime.job.JobOwnership}: owner token + attempt count), refusing a crash
 * loop with {@code CRASH_LOOP}. It returns a typed decision; the claim is its only write.</li>
 * <li>{@link dev.ist.worker.runtime.job.StylizeStage}: inputs and checkpoint, the job mode's
 * {@link dev.ist.worker.runtime.job.Stylizer} (prepare, memory preflight ({@link
 * dev.ist.worker.runtime.job.JobMemoryCheck}: {@code TOO_LARGE_FOR_WORKER}, each mode by its own memory model), RUNNING,
 * run with progress), the engine's exceptions as a typed result.</li>
 * <li>{@link dev.ist.worker.runtime.job.Completion}: result, manifest and terminal marker, then SUCCEEDED; or the
 * checkpoint of a stopped job; {@link dev.ist.worker.runtime.job.TerminalPublisher} ends a job from any stage,
 * checks the owner right before the terminal event, deletes the checkpoint once it is acknowledged, and decides
 * COMMIT, REDELIVER or ABANDON.</li>
 * </ol>
 *
 * Every per-job write goes through {@link dev.ist.worker.runtime.job.JobObjects}; on the worker that is {@link
 * dev.ist.worker.runtime.job.FencedJobObjects}, which fences each write of a claimed job with the attempt's owner
 * token, so a superseded attempt's write is refused by storage and it publishes nothing (ABANDON). Transient storage
 * failures get the job-level budget of {@link dev.ist.worker.runtime.job.StorageRetry}. A new job mode is one
 * {@link dev.ist.worker.runtime.job.Stylizer} registered for its {@link dev.ist.common.job.JobMode} in
 * {@link dev.ist.worker.runtime.Worker}.
 */
package dev.ist.worker.runtime.job;
