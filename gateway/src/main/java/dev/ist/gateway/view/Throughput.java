package dev.ist.gateway.view;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fleet as the view sees it: durations of the most recent finished jobs, when each worker last reported, and the
 * pool of the jobs it last ran.
 */
public final class Throughput {

    private static final int RECENT = 20;
    private static final Duration LIVE = Duration.ofMinutes(2);

    private final Deque<Long> recentMs = new ArrayDeque<>();
    private final Map<String, Instant> lastSeen = new ConcurrentHashMap<>();
    private final Map<String, String> poolOf = new ConcurrentHashMap<>();

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

    void inPool(String workerId, String pool) {
        if (workerId != null && pool != null) {
            poolOf.put(workerId, pool);
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

    /** The live workers that last ran a job of {@code pool}. */
    public int liveWorkers(String pool, Instant now) {
        String wanted = dev.ist.common.capacity.WorkerPool.orDefault(pool);
        int n = 0;
        for (Map.Entry<String, Instant> w : lastSeen.entrySet()) {
            if (wanted.equals(poolOf.get(w.getKey())) && w.getValue().isAfter(now.minus(LIVE))) {
                n++;
            }
        }
        return n;
    }
}
