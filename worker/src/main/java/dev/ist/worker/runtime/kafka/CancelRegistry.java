package dev.ist.worker.runtime.kafka;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Job ids that were cancelled, remembered for a while (bounded in count and age) so a job cancelled while still
 * queued is skipped when it reaches this worker, and the running job sees its cancel within one iteration.
 */
public final class CancelRegistry {

    private final int maxEntries;
    private final Duration memory;
    private final Clock clock;
    private final LinkedHashMap<String, Instant> cancelled = new LinkedHashMap<>();

    public CancelRegistry(int maxEntries, Duration memory, Clock clock) {
        this.maxEntries = maxEntries;
        this.memory = memory;
        this.clock = clock;
    }

    /** Remembers a cancel; {@code at} is when it was requested (old ones are dropped by age). */
    public synchronized void cancel(String jobId, Instant at) {
        Instant when = at == null ? clock.instant() : at;
        cancelled.remove(jobId);
        cancelled.put(jobId, when);
        expire();
    }

    public synchronized boolean isCancelled(String jobId) {
        if (jobId == null) {
            return false;
        }
        Instant at = cancelled.get(jobId);
        return at != null && at.isAfter(clock.instant().minus(memory));
    }

    public synchronized int size() {
        return cancelled.size();
    }

    private void expire() {
        Instant horizon = clock.instant().minus(memory);
        Iterator<Map.Entry<String, Instant>> it = cancelled.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Instant> e = it.next();
            if (cancelled.size() > maxEntries || e.getValue().isBefore(horizon)) {
                it.remove();
            } else {
                break;
            }
        }
    }
}
