package dev.ist.gateway.capacity;

/**
 * Workers that can run the same jobs equally fast: same device kind, memory budget and output cap, as advertised on
 * the capacity topic.
 *
 * @param device            "cpu" or "gpu" (the index of a GPU does not change what it can run)
 * @param memoryBudgetBytes the resident memory a transfer may use on each of them
 * @param pixelsPerSecond   their mean measured throughput (0 = none measured yet: the model's CI figure is used)
 * @param maxOutputPixels   the largest output their engines accept
 * @param workers           how many are advertised now
 */
public record WorkerClass(String device, long memoryBudgetBytes, double pixelsPerSecond, long maxOutputPixels,
                          int workers) {
}
