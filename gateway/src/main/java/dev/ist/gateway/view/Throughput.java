package dev.ist.gateway.view;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The fleet as the view sees it: durations of the most recent finished jobs, and when each worker last reported. */
public final class Throughput {

    private static final int RECENT = 20;
    private static final Duration LIVE = Duration.ofMinutes(2);

    private final Deque<Long> recentMs = new ArrayDeque<>();
    private final Map<String, Instant> lastSeen = new ConcurrentHashMap<>();

    synchronized void finished(long totalMs) {
        recentMs.addLast(totalMs);
        while (recentMs.size() > RECENT) {
            recentMs.removeFirst();
        }
    }

    void seen(String workerId, Instant at) {
        if (workerId != null && at != null) {
            lastSeen.merge(workerId, at, (a, b) -> a.isAfter(b) ? a : b);
        }
    }

    /** Mean total duration of the recent finished jobs, or null before the first. */
    public synchronized Duration meanDuration() {
        if (recentMs.isEmpty()) {
            return null;
        }
        long sum = 0;
        for (long ms : recentMs) {
            sum += ms;
        }
        return Duration.ofMillis(sum / recentMs.size());
    }

    public int liveWorkers(Instant now) {
        int n = 0;
        for (Instant at : lastSeen.values()) {
            if (at.isAfter(now.minus(LIVE))) {
                n++;
            }
        }
        return n;
    }
}
