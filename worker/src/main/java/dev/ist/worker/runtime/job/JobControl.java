package dev.ist.worker.runtime.job;

/**
 * Why the polling thread wants the running job to stop early. The engine sees all of these through one
 * cancellation flag; the runner reads which one it was to decide what to publish.
 */
public final class JobControl {

    private volatile boolean revoked;
    private volatile boolean shutdown;
    private volatile boolean halted;
    private volatile boolean superseded;

    /** The job's partition moved to another worker: stop, checkpoint, publish nothing terminal. */
    public void revoke() {
        revoked = true;
    }

    /** The worker is stopping (SIGTERM): stop, checkpoint, do not commit. */
    public void shutdown() {
        shutdown = true;
    }

    /** Simulated crash (tests): stop without checkpoint or events. */
    public void halt() {
        halted = true;
    }

    /** Storage refused a write: another attempt owns the job now. Stop and publish nothing. */
    public void supersede() {
        superseded = true;
    }

    public boolean isSuperseded() {
        return superseded;
    }

    public boolean isRevoked() {
        return revoked;
    }

    public boolean isHalted() {
        return halted;
    }

    /** True when the job must stop and may not publish a terminal event. */
    public boolean mustAbandon() {
        return revoked || shutdown || halted || superseded;
    }
}
