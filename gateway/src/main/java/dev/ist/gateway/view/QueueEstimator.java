package dev.ist.gateway.view;

import dev.ist.common.event.Progress;

import java.time.Duration;
import java.time.Instant;
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
 * ETA of a queued job: {@code (ahead / workers + 1) * meanDuration}, where the mean is over the most recent finished
 * jobs the view has seen (their {@code total} timing, all pools) and {@code workers} counts the workers of the job's
 * pool that reported an event in the last two minutes (at least 1); unknown until a first job has finished. ETA of a running job: its remaining
 * iterations at its measured rate.
 */
public final class QueueEstimator {

    /** What the API shows for a queued job. */
    public record Queue(int position, Long etaSeconds) {
    }

    private final JobView view;

    public QueueEstimator(JobView view) {
        this.view = view;
    }

    public Queue queue(JobSnapshot s) {
        if (s.state() != JobState.QUEUED || s.cancelRequested()) {
            return null;
        }
        String pool = s.request().workerPool();
        int index = view.queuedInOrder(pool).indexOf(s.jobId());
        return index < 0 ? null : at(pool, index);
    }

    /** Position and ETA of every queued job, computed from one pass over the queue (what SSE pushes use). */
    public java.util.Map<String, Queue> all() {
        java.util.Map<String, Queue> out = new java.util.HashMap<>();
        view.queuedByPool().forEach((pool, order) -> {
            for (int i = 0; i < order.size(); i++) {
                out.put(order.get(i), at(pool, i));
            }
        });
        return out;
    }

    private Queue at(String pool, int index) {
        Duration mean = view.throughput().meanDuration();
        if (mean == null) {
            return new Queue(index + 1, null);
        }
        int workers = Math.max(1, view.throughput().liveWorkers(pool, Instant.now()));
        double seconds = ((double) index / workers + 1) * mean.toMillis() / 1000.0;
        return new Queue(index + 1, Math.round(seconds));
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
