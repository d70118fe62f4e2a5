package dev.ist.gateway.view;

import dev.ist.common.event.ControlMessage;
import dev.ist.common.event.JobEvent;
import dev.ist.common.job.JobRequest;
import dev.ist.common.job.LaneSchedule;
import dev.ist.common.job.Priority;

import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Job status materialised from the Kafka topics (requests, events, control), never from what this gateway
 * instance happened to accept. Applying is idempotent: a request per job id once, an event per (job id, seq) once,
 * so replaying the topics from the beginning (a restart, a second replica) rebuilds the same answers.
 *
 * <p>A job exists for clients once its request is known; events that arrive before it (topics are read in
 * parallel) wait in the entry.
 */
public final class JobView {

    private final Map<String, JobEntry> jobs = new ConcurrentHashMap<>();
    private final int maxEventsPerJob;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Throughput throughput = new Throughput();
    private final Map<Priority, Integer> laneWeights;
    // bumped whenever the set or order of queued jobs may have changed (what queue-position pushes watch)
    private final java.util.concurrent.atomic.AtomicLong queueVersion = new java.util.concurrent.atomic.AtomicLong();

    public JobView(int maxEventsPerJob) {
        this(maxEventsPerJob, LaneSchedule.DEFAULT_WEIGHTS);
    }

    /** With the lane weights the workers pick with ({@code ist.lanes.weights}), so queue positions agree. */
    public JobView(int maxEventsPerJob, Map<Priority, Integer> laneWeights) {
        if (maxEventsPerJob < 8) {
            throw new IllegalArgumentException("ist.gateway.view.max-events-per-job must be >= 8");
        }
        this.maxEventsPerJob = maxEventsPerJob;
        this.laneWeights = Map.copyOf(new LaneSchedule(laneWeights).weights());
    }

    private JobEntry entry(String jobId) {
        return jobs.computeIfAbsent(jobId, id -> new JobEntry(id, maxEventsPerJob));
    }

    public boolean apply(JobRequest request) {
        return apply(request, 0);
    }

    /**
     * A request record as read from a jobs topic, with its {@link dev.ist.common.capacity.JobForwards} count: a
     * record forwarded more often than the one held moves the job to its pool.
     */
    public boolean apply(JobRequest request, int forwards) {
        boolean fresh = entry(request.jobId()).setRequest(request, forwards);
        if (fresh) {
            queueVersion.incrementAndGet();
        }
        return fresh;
    }

    public boolean apply(JobEvent event) {
        boolean fresh = entry(event.jobId()).apply(event);
        if (fresh && event.type() != dev.ist.common.event.EventType.PROGRESS) {
            queueVersion.incrementAndGet();
        }
        if (fresh) {
            throughput.seen(event.workerId(), event.at());
            if (event.type() != dev.ist.common.event.EventType.QUEUED) {
                // a worker that runs a job belongs to the job's pool (QUEUED comes from the gateway or a forwarder)
                throughput.inPool(event.workerId(), entry(event.jobId()).pool());
            }
            Long total = event.timingsMs() == null ? null : event.timingsMs().get("total");
            if (event.type() == dev.ist.common.event.EventType.SUCCEEDED && total != null) {
                throughput.finished(total, entry(event.jobId()).quotedSeconds());
            }
        }
        return fresh;
    }

    /** The fleet's recent job durations and live workers, as seen in the events. */
    public Throughput throughput() {
        return throughput;
    }

    /**
     * QUEUED jobs without a cancel request of worker pool {@code pool}, in the order one of its workers reaches them:
     * each lane oldest submission first, the lanes interleaved by a fresh {@link LaneSchedule} with the workers'
     * weights (an approximation: see {@link QueueEstimator}). Pools do not share workers, so a job waits only for the
     * jobs of its own pool.
     */
    public List<String> queuedInOrder(String pool) {
        return queuedByPool().getOrDefault(dev.ist.common.capacity.WorkerPool.orDefault(pool), List.of());
    }

    /** {@link #queuedInOrder(String)} of every pool that has queued jobs, in one pass. */
    public Map<String, List<String>> queuedByPool() {
        Map<String, Map<Priority, List<String>>> pools = new java.util.HashMap<>();
        jobs.values().stream()
                .filter(e -> e.hasRequest() && e.state() == JobState.QUEUED && !e.cancelRequestedFlag())
                .map(JobEntry::snapshot)
                .filter(Objects::nonNull)
                .sorted(Comparator.comparing((JobSnapshot s) -> s.request().submittedAt())
                        .thenComparing(JobSnapshot::jobId))
                .forEach(s -> pools.computeIfAbsent(s.request().workerPool(), p -> new EnumMap<>(Priority.class))
                        .computeIfAbsent(s.request().lane(), p -> new java.util.ArrayList<>()).add(s.jobId()));
        Map<String, List<String>> out = new java.util.HashMap<>();
        pools.forEach((pool, lanes) -> out.put(pool, new LaneSchedule(laneWeights).interleave(lanes)));
        return out;
    }

    /** Changes whenever queue positions may have moved (a job queued, started, ended or cancelled). */
    public long queueVersion() {
        return queueVersion.get();
    }

    public void apply(ControlMessage message) {
        entry(message.jobId()).requestCancel(message);
        queueVersion.incrementAndGet();
    }

    public Optional<JobSnapshot> find(String jobId) {
        JobEntry e = jobs.get(jobId);
        return e == null ? Optional.empty() : Optional.ofNullable(e.snapshot());
    }

    /** Jobs of one owner (all owners when null), newest first, optionally in one state. */
    public List<JobSnapshot> list(String owner, JobState state) {
        return jobs.values().stream()
                .filter(e -> e.hasRequest() && (owner == null || owner.equals(e.owner())))
                .filter(e -> state == null || e.state() == state)
                .map(JobEntry::snapshot)
                .filter(Objects::nonNull)
                .sorted(Comparator.comparing((JobSnapshot s) -> s.request().submittedAt()).reversed()
                        .thenComparing(JobSnapshot::jobId))
                .toList();
    }

    /** Jobs of {@code owner} that have not reached a terminal state. */
    public int inFlight(String owner) {
        int n = 0;
        for (JobEntry e : jobs.values()) {
            if (owner.equals(e.owner()) && !e.state().isTerminal()) {
                n++;
            }
        }
        return n;
    }

    /** Unfinished jobs whose deadline is at or before {@code now} and whose cancel has not been requested. */
    public List<String> overdue(java.time.Instant now) {
        List<String> out = new java.util.ArrayList<>();
        for (JobEntry e : jobs.values()) {
            if (e.overdue(now)) {
                out.add(e.jobId());
            }
        }
        return out;
    }

    public Map<JobState, Integer> countByState() {
        Map<JobState, Integer> counts = new EnumMap<>(JobState.class);
        for (JobState s : JobState.values()) {
            counts.put(s, 0);
        }
        for (JobEntry e : jobs.values()) {
            if (e.hasRequest()) {
                counts.merge(e.state(), 1, Integer::sum);
            }
        }
        return counts;
    }

    /**
     * Registers {@code listener} for events after {@code afterSeq} and returns those already known, atomically.
     * Empty when the job is unknown.
     */
    public Optional<List<JobEvent>> subscribe(String jobId, long afterSeq, JobEventListener listener) {
        JobEntry e = jobs.get(jobId);
        if (e == null || !e.hasRequest()) {
            return Optional.empty();
        }
        return Optional.of(e.subscribe(afterSeq, listener));
    }

    public void unsubscribe(String jobId, JobEventListener listener) {
        JobEntry e = jobs.get(jobId);
        if (e != null) {
            e.unsubscribe(listener);
        }
    }

    public List<JobEvent> eventsAfter(String jobId, long afterSeq) {
        JobEntry e = jobs.get(jobId);
        return e == null ? List.of() : e.eventsAfter(afterSeq);
    }

    /**
     * Forgets finished jobs last updated before {@code cutoff} that nobody is streaming, so a long-running gateway
     * stays bounded; a restart would not read them either once the topics' retention has dropped them.
     */
    public int evictFinishedBefore(java.time.Instant cutoff) {
        int removed = 0;
        for (Map.Entry<String, JobEntry> e : jobs.entrySet()) {
            if (!e.getValue().hasRequest() || !e.getValue().state().isTerminal()) {
                continue;
            }
            JobSnapshot s = e.getValue().snapshot();
            if (s != null && s.updatedAt().isBefore(cutoff)
                    && !e.getValue().hasListeners() && jobs.remove(e.getKey(), e.getValue())) {
                removed++;
            }
        }
        return removed;
    }

    public int size() {
        return jobs.size();
    }

    /** Called by the feeder once everything that was on the topics at start-up has been applied. */
    public void markCaughtUp() {
        caughtUp.countDown();
    }

    public boolean isCaughtUp() {
        return caughtUp.getCount() == 0;
    }

    public boolean awaitCaughtUp(long timeout, TimeUnit unit) throws InterruptedException {
        return caughtUp.await(timeout, unit);
    }
}
