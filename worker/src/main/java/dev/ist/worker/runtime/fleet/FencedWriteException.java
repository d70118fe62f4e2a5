package dev.ist.worker.runtime.fleet;

/**
 * A write of a superseded attempt was refused: another worker has claimed the job since. The attempt must stop and
 * publish nothing (not its result, not a terminal event); the new owner finishes the job.
 */
public final class FencedWriteException extends RuntimeException {

    private final OwnerToken current;

    public FencedWriteException(String what, OwnerToken mine, OwnerToken current) {
        super(what + " refused: job " + mine.jobId() + " attempt " + mine.attempt() + " (worker " + mine.workerId()
                + ") was superseded by " + (current == null ? "nobody (the owner object is gone)"
                : "attempt " + current.attempt() + " of worker " + current.workerId()));
        this.current = current;
    }

    /** The claim that superseded this one; null when the owner object vanished (e.g. expired by the janitor). */
    public OwnerToken current() {
        return current;
    }
}
