package dev.ist.worker.runtime.job;

/**
 * What the polling thread does with a job's offset once the runner returns.
 *
 * @param action what to do with the offset
 * @param detail one line for the log
 */
public record JobOutcome(Action action, String detail) {

    public enum Action {
        /** A terminal event (or dead letter) is published and acknowledged: commit the offset. */
        COMMIT,
        /** The job was given up (revoked, shutdown, crash): never commit; another worker takes it. */
        ABANDON,
        /** The terminal event could not be published: read the message again (the terminal marker makes it idempotent). */
        REDELIVER
    }

    public static JobOutcome commit(String detail) {
        return new JobOutcome(Action.COMMIT, detail);
    }

    public static JobOutcome abandon(String detail) {
        return new JobOutcome(Action.ABANDON, detail);
    }

    public static JobOutcome redeliver(String detail) {
        return new JobOutcome(Action.REDELIVER, detail);
    }
}
