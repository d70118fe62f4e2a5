package dev.ist.common.capacity;

import dev.ist.common.job.Precision;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
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
 * @param defaultPrecision       what a job that names no precision (or AUTO) runs in on this worker: FP32 or BF16,
 *                               as its calibration chose; {@link #pixelsPerSecond} is that precision's speed. Null in
 *                               records written before precisions were advertised
 * @param pixelsPerSecondByPrecision the throughput of each precision this worker knows (measured by jobs, else by its
 *                               AUTO calibration): quotes of a job that forces FP32 or BF16 use that one's. Empty in
 *                               older records
 */
public record WorkerCapacity(int v, String workerId, String device, long memoryBudgetBytes, double pixelsPerSecond,
                             long maxOutputPixels, Instant at, String pool, Precision defaultPrecision,
                             Map<Precision, Double> pixelsPerSecondByPrecision) {

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
        if (defaultPrecision == Precision.AUTO) {
            throw new IllegalArgumentException("defaultPrecision is what AUTO resolved to: FP32 or BF16");
        }
        Map<Precision, Double> rates = new EnumMap<>(Precision.class);
        if (pixelsPerSecondByPrecision != null) {
            pixelsPerSecondByPrecision.forEach((p, rate) -> {
                if (p == null || p == Precision.AUTO || rate == null || !(rate > 0)) {
                    throw new IllegalArgumentException("pixelsPerSecondByPrecision holds FP32 or BF16 rates > 0, got "
                            + p + "=" + rate);
                }
                rates.put(p, rate);
            });
        }
        pixelsPerSecondByPrecision = Map.copyOf(rates);
    }

    /** A worker that advertises one throughput, whatever the precision. */
    public WorkerCapacity(int v, String workerId, String device, long memoryBudgetBytes, double pixelsPerSecond,
                          long maxOutputPixels, Instant at, String pool) {
        this(v, workerId, device, memoryBudgetBytes, pixelsPerSecond, maxOutputPixels, at, pool, null, Map.of());
    }

    /** A worker of the default pool. */
    public WorkerCapacity(int v, String workerId, String device, long memoryBudgetBytes, double pixelsPerSecond,
                          long maxOutputPixels, Instant at) {
        this(v, workerId, device, memoryBudgetBytes, pixelsPerSecond, maxOutputPixels, at, WorkerPool.DEFAULT);
    }
}
