package dev.ist.gateway.store;

import dev.ist.common.event.EventType;

import java.util.Locale;

/** What a client sees of a job's lifecycle (PROGRESS ticks are part of RUNNING). */
public enum JobState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static JobState of(EventType type) {
        return switch (type) {
            case QUEUED -> QUEUED;
            case RUNNING, PROGRESS -> RUNNING;
            case SUCCEEDED -> SUCCEEDED;
            case FAILED -> FAILED;
            case CANCELLED -> CANCELLED;
        };
    }
}
