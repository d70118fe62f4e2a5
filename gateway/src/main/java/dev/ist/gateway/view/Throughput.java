package dev.ist.gateway.view;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fleet as the view sees it: durations of the most recent finished jobs, how they compared with their quotes, when
 * each worker last reported, and the pool of the jobs it last ran.
 */
public final class Throughput {

    private static final int RECENT = 20;
    private static final Duration LIVE = Duration.ofMinutes(2);

    private final Deque<Long> recentMs = new ArrayDeque<>();
    /** Measured run time ÷ quoted seconds of the recent finished jobs that had a quote. */
    private final Deque<Double> recentRatios = new ArrayDeque<>();
    private final Map<String, Instant> lastSeen = new ConcurrentHashMap<>();
    private final Map<String, String> poolOf = new ConcurrentHashMap<>();

    synchronized void finished(long totalMs, Double quotedSeconds) {
        recentMs.addLast(totalMs);
        while (recentMs.size() > RECENT) {
            recentMs.removeFirst();
        }
        if (quotedSeconds != null && quotedSeconds > 0) {
            recentRatios.addLast(totalMs / 1000.0 / quotedSeconds);
            while (recentRatios.size() > RECENT) {
                recentRatios.removeFirst();
            }
        }
    }

    /**
     * How long the fleet's jobs really take for each quoted second: the median ratio over the recent finished jobs
     * that had a quote (the median, so one job slowed by a restart does not skew every ETA), 1 before the first. The
     * quote models the iterations on an idle worker; this folds in what it leaves out (fetch, encode, a busy
     * machine, a model that is off for this fleet).
     */
    public synchronized double quoteCalibration() {
        if (recentRatios.isEmpty()) {
            return 1.0;
        }
        double[] r = recentRatios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return r.length % 2 == 1 ? r[r.length / 2] : (r[r.length / 2 - 1] + r[r.length / 2]) / 2;
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
