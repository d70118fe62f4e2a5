package dev.ist.common.capacity;

import java.time.Instant;
import java.util.Objects;

/**
 * What one worker can take, advertised on the compacted capacity topic ({@link #DEFAULT_TOPIC}, key = worker id,
 * refreshed every {@code ist.worker.capacity-interval}, a tombstone when the worker leaves). The gateway reads it for
 * quotes, queue ETAs and refusals of jobs no worker class could fit.
 *
 * @param v                      schema version
 * @param workerId               the worker's id (the record's key)
 * @param device                 "cpu" or "gpu:N"
 * @param memoryBudgetBytes      the resident memory a transfer may use on this worker
 * @param pixelsPerSecond        measured throughput: input pixels of one loss-and-gradient evaluation per second
 *                               (an iteration of an untiled W×H level takes about W·H / pixelsPerSecond seconds)
 * @param maxOutputPixels        the largest output the worker's engine accepts
 * @param at                     when this advertisement was made
 * @param pool                   the worker's pool ({@link WorkerPool}); null in records written before pools existed
 *                               is read as {@link WorkerPool#DEFAULT}
 */
public record WorkerCapacity(int v, String workerId, String device, long memoryBudgetBytes, double pixelsPerSecond,
                             long maxOutputPixels, Instant at, String pool) {

    public static final int SCHEMA_VERSION = 1;
    /** Topic name unless {@code ist.topics.workers} says otherwise; must be compacted. */
    public static final String DEFAULT_TOPIC = "ist.workers";
    public static final String TOPIC_KEY = "ist.topics.workers";

    public WorkerCapacity {
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(at, "at");
        if (memoryBudgetBytes < 0 || !(pixelsPerSecond >= 0) || maxOutputPixels < 0) {
            throw new IllegalArgumentException("capacity figures must be >= 0");
        }
        pool = WorkerPool.orDefault(pool);
    }

    /** A worker of the default pool. */
    public WorkerCapacity(int v, String workerId, String device, long memoryBudgetBytes, double pixelsPerSecond,
                          long maxOutputPixels, Instant at) {
        this(v, workerId, device, memoryBudgetBytes, pixelsPerSecond, maxOutputPixels, at, WorkerPool.DEFAULT);
    }
}
