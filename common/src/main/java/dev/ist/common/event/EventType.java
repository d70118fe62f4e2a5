package dev.ist.common.event;

/** The job lifecycle: QUEUED → RUNNING → PROGRESS* → (SUCCEEDED | FAILED | CANCELLED). */
public enum EventType {
    QUEUED, RUNNING, PROGRESS, SUCCEEDED, FAILED, CANCELLED;

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
