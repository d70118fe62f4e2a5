package dev.ist.common.event;

import java.time.Instant;

/**
 * A command on the control topic, read by every worker (each in its own consumer group) so it reaches whichever
 * worker holds the job.
 */
public record ControlMessage(int v, String jobId, Action action, Instant at, String requestedBy) {

    public static final int SCHEMA_VERSION = 1;

    public enum Action { CANCEL }

    public static ControlMessage cancel(String jobId, Instant at, String requestedBy) {
        return new ControlMessage(SCHEMA_VERSION, jobId, Action.CANCEL, at, requestedBy);
    }
}
