package dev.ist.common;

import dev.ist.common.job.Priority;

import java.util.List;

/**
 * Topic names, configurable with {@code ist.topics.jobs|jobs-high|jobs-low|events|dlq|control}.
 *
 * <p><b>Priority lanes.</b> Each {@link Priority} has a jobs topic of its own: {@code jobs} is the NORMAL lane (so
 * records written before lanes existed, the dead-letter replay, KEDA and the dashboards keep working unchanged), and
 * {@code jobsHigh} / {@code jobsLow} default to {@code <jobs>.high} and {@code <jobs>.low}. The gateway publishes a
 * request to its lane's topic; every worker subscribes to all three in one consumer group and chooses the next job
 * among the heads it has fetched with {@link dev.ist.common.job.LaneSchedule} (smooth weighted round robin, HIGH :
 * NORMAL : LOW = 8 : 3 : 1 credits by default: higher lanes first, a waiting lower lane still gets its share). The
 * gateway's queue positions replay the same schedule over the queued jobs, so both sides agree on the order.
 *
 * @param jobs     job requests of the NORMAL lane, key = job id
 * @param events   every state change and progress tick, key = job id
 * @param dlq      requests that can never succeed, with the reason
 * @param control  cancellation commands, read by every worker
 * @param jobsHigh job requests of the HIGH lane
 * @param jobsLow  job requests of the LOW lane
 */
public record Topics(String jobs, String events, String dlq, String control, String jobsHigh, String jobsLow) {

    /** The lane topics named after {@code jobs} ({@code <jobs>.high}, {@code <jobs>.low}). */
    public Topics(String jobs, String events, String dlq, String control) {
        this(jobs, events, dlq, control, jobs + ".high", jobs + ".low");
    }

    public static Topics defaults() {
        return new Topics("ist.jobs", "ist.events", "ist.jobs.dlq", "ist.control");
    }

    public static Topics from(IstConfig config) {
        Topics d = defaults();
        String jobs = config.get("ist.topics.jobs", d.jobs());
        return new Topics(
                jobs,
                config.get("ist.topics.events", d.events()),
                config.get("ist.topics.dlq", d.dlq()),
                config.get("ist.topics.control", d.control()),
                config.get("ist.topics.jobs-high", jobs + ".high"),
                config.get("ist.topics.jobs-low", jobs + ".low"));
    }

    /** The jobs topic of {@code lane}. */
    public String jobs(Priority lane) {
        return switch (lane) {
            case HIGH -> jobsHigh;
            case NORMAL -> jobs;
            case LOW -> jobsLow;
        };
    }

    /** Every jobs topic, highest lane first. */
    public List<String> jobLanes() {
        return List.of(jobsHigh, jobs, jobsLow);
    }

    /** The lane whose jobs topic is {@code topic}; null when it is none of them. */
    public Priority laneOf(String topic) {
        for (Priority p : Priority.values()) {
            if (jobs(p).equals(topic)) {
                return p;
            }
        }
        return null;
    }

    /**
     * The topics of worker pool {@code pool} ({@link dev.ist.common.capacity.WorkerPool}): the default pool's are these;
     * any other pool has its own three lanes, {@code <jobs>.pool.<pool>} (NORMAL) and its {@code .high} / {@code .low},
     * and shares the events, dead-letter and control topics.
     */
    public Topics forPool(String pool) {
        if (dev.ist.common.capacity.WorkerPool.isDefault(pool)) {
            return this;
        }
        if (!dev.ist.common.capacity.WorkerPool.isValidName(pool)) {
            throw new IllegalArgumentException("not a pool name: " + pool);
        }
        return new Topics(jobs + ".pool." + pool, events, dlq, control);
    }

    /**
     * The worker pool whose lane {@code topic} is: {@link dev.ist.common.capacity.WorkerPool#DEFAULT} for one of these
     * jobs topics, the pool's name for {@code <jobs>.pool.<pool>} and its {@code .high} / {@code .low}; null for any
     * other topic. Readers of every pool's jobs (the gateway's view, the dead-letter replay) recognise them with it.
     */
    public String poolOfJobsTopic(String topic) {
        if (topic == null) {
            return null;
        }
        if (isJobsTopic(topic)) {
            return dev.ist.common.capacity.WorkerPool.DEFAULT;
        }
        String prefix = jobs + ".pool.";
        if (!topic.startsWith(prefix)) {
            return null;
        }
        String rest = topic.substring(prefix.length());
        String pool = rest.endsWith(".high") || rest.endsWith(".low") ? rest.substring(0, rest.lastIndexOf('.')) : rest;
        if (!dev.ist.common.capacity.WorkerPool.isValidName(pool) || dev.ist.common.capacity.WorkerPool.isDefault(pool)) {
            return null;
        }
        return forPool(pool).isJobsTopic(topic) ? pool : null;
    }

    /** Whether {@code topic} is one of the jobs topics. */
    public boolean isJobsTopic(String topic) {
        return laneOf(topic) != null;
    }
}
