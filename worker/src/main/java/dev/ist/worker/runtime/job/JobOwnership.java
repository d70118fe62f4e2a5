package dev.ist.worker.runtime.job;

import java.util.List;

/**
 * The durable per-job state that decides whether this attempt may run and write: the cancel marker, the owner claim
 * that fences every write of a superseded attempt, and the attempt count that stops crash loops. Admission claims,
 * the other stages check; on storage it is {@link FencedJobObjects}. A write refused because another attempt claimed
 * the job throws {@link dev.ist.worker.runtime.fleet.FencedWriteException}.
 */
public interface JobOwnership {

    /** What this attempt's claim found. */
    record Attempt(int started, int crashed, List<String> lastWorkers, String summary) {
        public Attempt {
            lastWorkers = List.copyOf(lastWorkers);
        }
    }

    /** Whether the job's cancel was recorded durably (by the gateway or a worker that saw it on the control topic). */
    boolean cancelRecorded(String jobId);

    /** Makes this worker's attempt the job's owner (every earlier attempt is fenced off) and counts it. */
    Attempt claim(String jobId);

    /** Throws {@code FencedWriteException} unless this worker's attempt still owns the job; no-op when unclaimed. */
    void check(String jobId, String what);

    /** The attempt hands the job over on purpose (revoked, shutting down): not a crash. No-op when unclaimed. */
    void stoppedCleanly(String jobId);

    /** The attempt is over on this worker; its token is forgotten. */
    void release(String jobId);
}
