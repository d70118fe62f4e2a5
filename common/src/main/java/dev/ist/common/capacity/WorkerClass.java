package dev.ist.common.capacity;

import dev.ist.common.job.Precision;

import java.util.Map;

/**
 * Workers of one pool that can run the same jobs equally fast: same device kind, memory budget and output cap, as advertised on
 * the capacity topic.
 *
 * @param device            "cpu" or "gpu" (the index of a GPU does not change what it can run)
 * @param memoryBudgetBytes the resident memory a transfer may use on each of them
 * @param pixelsPerSecond   their mean measured throughput (0 = none measured yet: the model's CI figure is used)
 * @param maxOutputPixels   the largest output their engines accept
 * @param workers           how many are advertised now
 * @param pool              their pool ({@link WorkerPool}); jobs reach them on that pool's topics
 * @param pixelsPerSecondByPrecision their mean throughput per precision, where advertised
 */
public record WorkerClass(String device, long memoryBudgetBytes, double pixelsPerSecond, long maxOutputPixels,
                          int workers, String pool, Map<Precision, Double> pixelsPerSecondByPrecision) {
    public WorkerClass {
        pool = WorkerPool.orDefault(pool);
        pixelsPerSecondByPrecision = pixelsPerSecondByPrecision == null ? Map.of() : Map.copyOf(pixelsPerSecondByPrecision);
    }

    public WorkerClass(String device, long memoryBudgetBytes, double pixelsPerSecond, long maxOutputPixels,
                       int workers, String pool) {
        this(device, memoryBudgetBytes, pixelsPerSecond, maxOutputPixels, workers, pool, Map.of());
    }

    /**
     * The speed a job asking for {@code precision} gets here: that precision's advertised rate when it forces FP32 or
     * BF16 and the class knows it, else the class's default precision's (null or AUTO runs in what the workers chose).
     */
    public double pixelsPerSecondFor(Precision precision) {
        if (precision != null && precision != Precision.AUTO) {
            Double rate = pixelsPerSecondByPrecision.get(precision);
            if (rate != null) {
                return rate;
            }
        }
        return pixelsPerSecond;
    }

    /** A class of the default pool. */
    public WorkerClass(String device, long memoryBudgetBytes, double pixelsPerSecond, long maxOutputPixels, int workers) {
        this(device, memoryBudgetBytes, pixelsPerSecond, maxOutputPixels, workers, WorkerPool.DEFAULT);
    }
}
