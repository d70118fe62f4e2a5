package dev.ist.common.capacity;

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
 */
public record WorkerClass(String device, long memoryBudgetBytes, double pixelsPerSecond, long maxOutputPixels,
                          int workers, String pool) {
    public WorkerClass {
        pool = WorkerPool.orDefault(pool);
    }

    /** A class of the default pool. */
    public WorkerClass(String device, long memoryBudgetBytes, double pixelsPerSecond, long maxOutputPixels, int workers) {
        this(device, memoryBudgetBytes, pixelsPerSecond, maxOutputPixels, workers, WorkerPool.DEFAULT);
    }
}
