package dev.ist.gateway.store;

import dev.ist.common.event.Progress;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a job stands and when it should finish, from the gateway's view.
 *
 * <p>Position: 1 + the QUEUED jobs (without a cancel request) of the job's own worker pool (only its workers take
 * them, see {@link dev.ist.common.capacity.WorkerPool}) a worker reaches before this one: within a priority
 * lane in submission order, across lanes in the order a fresh {@link dev.ist.common.job.LaneSchedule} with the
 * workers' weights interleaves them (so a HIGH job submitted later is ahead of queued NORMAL ones, and a LOW job is
 * still given its turn among a NORMAL backlog). An approximation: each worker's schedule carries credit from the jobs
 * it took before, workers only pick among the heads of their own partitions, and with several workers the order is
 * spread over them.
 * ETA of a queued job: the runs of the jobs ahead of it in its pool, shared by that pool's live workers (those that
 * reported an event in the last two minutes, at least 1), plus its own run. A run is the job's quote (the capacity
 * model's seconds, {@link dev.ist.common.job.JobRequest#quotedSeconds()}) times {@link RecentRuns#quoteCalibration()},
 * so a 20-minute print job ahead counts as 20 minutes, not as the fleet's average; a job without a quote counts as the
 * mean duration of the recent finished jobs (all pools), unknown before the first. ETA of a running job: its
 * remaining iterations at its measured rate.
 */
public final class QueueEstimator {

    /** What the API shows for a queued job. */
    public record Queue(int position, Long etaSeconds) {
    }

    private final JobStore store;
    private final dev.ist.common.job.LaneSchedule schedule;

    /** With the lane weights the workers pick with ({@code ist.lanes.weights}), so positions follow their order. */
    public QueueEstimator(JobStore store, java.util.Map<dev.ist.common.job.Priority, Integer> laneWeights) {
        this.store = store;
        this.schedule = new dev.ist.common.job.LaneSchedule(laneWeights);
    }

    public Queue queue(JobSnapshot s) {
        if (s.state() != JobState.QUEUED || s.cancelRequested()) {
            return null;
        }
        String pool = dev.ist.common.capacity.WorkerPool.orDefault(s.request().workerPool());
        List<JobStore.QueuedJob> order = inOrder(store.queued(pool).getOrDefault(pool, List.of()));
        for (int i = 0; i < order.size(); i++) {
            if (order.get(i).jobId().equals(s.jobId())) {
                return positions(pool, order.subList(0, i + 1)).get(i);
            }
        }
        return null;
    }

    /** Position and ETA of every queued job, computed from one read of the queue (what SSE pushes use). */
    public java.util.Map<String, Queue> all() {
        java.util.Map<String, Queue> out = new java.util.HashMap<>();
        store.queued(null).forEach((pool, jobs) -> {
            List<JobStore.QueuedJob> order = inOrder(jobs);
            List<Queue> queue = positions(pool, order);
            for (int i = 0; i < order.size(); i++) {
                out.put(order.get(i).jobId(), queue.get(i));
            }
        });
        return out;
    }

    /** One pool's queued jobs in the order a worker reaches them: each lane oldest first, lanes interleaved. */
    private List<JobStore.QueuedJob> inOrder(List<JobStore.QueuedJob> queued) {
        java.util.Map<dev.ist.common.job.Priority, List<JobStore.QueuedJob>> lanes =
                new java.util.EnumMap<>(dev.ist.common.job.Priority.class);
        for (JobStore.QueuedJob j : queued) {
            lanes.computeIfAbsent(j.lane(), l -> new ArrayList<>()).add(j);
        }
        return new dev.ist.common.job.LaneSchedule(schedule.weights()).interleave(lanes);
    }

    /**
     * The queue entries of {@code order} (one pool's queued jobs, first first): a job's ETA is the work ahead of it
     * shared by the pool's workers, plus its own run. A job's run is its quote times the fleet's calibration, or the
     * recent mean duration when it has no quote; unknown (null) from the first job whose run is unknown.
     */
    private List<Queue> positions(String pool, List<JobStore.QueuedJob> order) {
        RecentRuns recent = new RecentRuns(store);
        Duration mean = recent.meanDuration();
        double calibration = recent.quoteCalibration();
        int workers = Math.max(1, recent.liveWorkers(pool, Instant.now()));
        List<Queue> out = new ArrayList<>(order.size());
        double ahead = 0;
        boolean known = true;
        for (int i = 0; i < order.size(); i++) {
            Double run = known ? runSeconds(order.get(i), mean, calibration) : null;
            known = run != null;
            out.add(new Queue(i + 1, known ? Math.round(ahead / workers + run) : null));
            if (known) {
                ahead += run;
            }
        }
        return out;
    }

    private static Double runSeconds(JobStore.QueuedJob job, Duration mean, double calibration) {
        Double quoted = job.quotedSeconds();
        if (quoted != null && quoted > 0) {
            return quoted * calibration;
        }
        return mean == null ? null : mean.toMillis() / 1000.0;
    }

    /** Seconds left for a running job at its iteration rate so far; null when unknown. */
    public static Long runningEta(JobSnapshot s) {
        Progress p = s.progress();
        if (s.state() != JobState.RUNNING || p == null || p.iteration() <= 0 || p.total() <= 0) {
            return null;
        }
        double perIteration = (double) p.elapsedMs() / p.iteration();
        return Math.max(0, Math.round(perIteration * (p.total() - p.iteration()) / 1000.0));
    }
}
