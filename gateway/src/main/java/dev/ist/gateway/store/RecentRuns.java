package dev.ist.gateway.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * The fleet as the job store sees it: durations of the most recent finished jobs and how they compared with their
 * quotes (read once per estimate), and the live workers of a pool.
 */
public final class RecentRuns {

    static final int RECENT = 20;
    private static final Duration LIVE = Duration.ofMinutes(2);

    private final JobStore store;
    private final List<double[]> recent;

    RecentRuns(JobStore store) {
        this.store = store;
        this.recent = store.recentRuns(RECENT);
    }

    /**
     * How long the fleet's jobs really take for each quoted second: the median ratio over the recent finished jobs
     * that had a quote (the median, so one job slowed by a restart does not skew every ETA), 1 before the first.
     */
    public double quoteCalibration() {
        double[] r = recent.stream().filter(x -> !Double.isNaN(x[1]) && x[1] > 0).mapToDouble(x -> x[0] / 1000.0 / x[1])
                .toArray();
        if (r.length == 0) {
            return 1.0;
        }
        Arrays.sort(r);
        return r.length % 2 == 1 ? r[r.length / 2] : (r[r.length / 2 - 1] + r[r.length / 2]) / 2;
    }

    /** Mean total duration of the recent finished jobs, or null before the first. */
    public Duration meanDuration() {
        if (recent.isEmpty()) {
            return null;
        }
        return Duration.ofMillis((long) recent.stream().mapToDouble(x -> x[0]).average().orElse(0));
    }

    /** The live workers that last ran a job of {@code pool}. */
    public int liveWorkers(String pool, Instant now) {
        return store.liveWorkers(dev.ist.common.capacity.WorkerPool.orDefault(pool), now.minus(LIVE));
    }
}
