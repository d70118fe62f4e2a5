package dev.ist.gateway.store;

import dev.ist.common.event.JobEvent;

/** Told about each new event of one job, in sequence order, on the thread that applied it; must not block. */
@FunctionalInterface
public interface JobEventListener {
    void onEvent(JobEvent event);
}
