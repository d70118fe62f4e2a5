package dev.ist.gateway.view;

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
 * model's seconds, {@link dev.ist.common.job.JobRequest#quotedSeconds()}) times {@link Throughput#quoteCalibration()},
 * so a 20-minute print job ahead counts as 20 minutes, not as the fleet's average; a job without a quote counts as the
 * mean duration of the recent finished jobs (all pools), unknown before the first. ETA of a running job: its
 * remaining iterations at its measured rate.
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
        List<String> order = view.queuedInOrder(pool);
        int index = order.indexOf(s.jobId());
        return index < 0 ? null : positions(pool, order.subList(0, index + 1)).get(index);
    }

    /** Position and ETA of every queued job, computed from one pass over the queue (what SSE pushes use). */
    public java.util.Map<String, Queue> all() {
        java.util.Map<String, Queue> out = new java.util.HashMap<>();
        view.queuedByPool().forEach((pool, order) -> {
            List<Queue> queue = positions(pool, order);
            for (int i = 0; i < order.size(); i++) {
                out.put(order.get(i), queue.get(i));
            }
        });
        return out;
    }

    /**
     * The queue entries of {@code order} (one pool's queued jobs, first first): a job's ETA is the work ahead of it
     * shared by the pool's workers, plus its own run. A job's run is its quote times the fleet's calibration, or the
     * recent mean duration when it has no quote; unknown (null) from the first job whose run is unknown.
     */
    private List<Queue> positions(String pool, List<String> order) {
        Duration mean = view.throughput().meanDuration();
        double calibration = view.throughput().quoteCalibration();
        int workers = Math.max(1, view.throughput().liveWorkers(pool, Instant.now()));
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

    private Double runSeconds(String jobId, Duration mean, double calibration) {
        Double quoted = view.find(jobId).map(s -> s.request().quotedSeconds()).orElse(null);
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
