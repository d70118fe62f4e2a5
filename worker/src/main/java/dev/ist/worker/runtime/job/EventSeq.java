package dev.ist.worker.runtime.job;

/**
 * Per-job sequence numbers derived from the iteration, so any worker that (re)publishes an event for the same point
 * of a job gives it the same number, and numbers grow with the job's progress across resumes:
 *
 * <ul>
 * <li>QUEUED: 0 (the gateway stores it with the job; the events topic never carries it unless a forwarding worker restates it)</li>
 * <li>RUNNING when starting or resuming at iteration k: 2k + 1</li>
 * <li>PROGRESS at iteration i (0 ≤ i ≤ N): 2i + 2</li>
 * <li>the one terminal event (SUCCEEDED, FAILED or CANCELLED) of a job of N iterations: 2N + 3</li>
 * </ul>
 *
 * A job has at most one terminal event (it is stored as a marker before it is published and re-published from
 * there), so a single terminal number above every other is enough. Consumers that keep the highest number seen
 * drop the replayed RUNNING/PROGRESS events of a resumed job until it passes the point where the old worker died.
 */
public final class EventSeq {

    private EventSeq() {
    }

    public static long running(int startIteration) {
        return 2L * Math.max(0, startIteration) + 1;
    }

    public static long progress(int iteration) {
        return 2L * Math.max(0, iteration) + 2;
    }

    /** For a request of {@code totalIterations}; a request too broken to say gets 1 (nothing else was published). */
    public static long terminal(int totalIterations) {
        return totalIterations > 0 ? 2L * totalIterations + 3 : 1;
    }
}
