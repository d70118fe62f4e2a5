package dev.ist.common.capacity;

/**
 * The Java heap a transfer needs, apart from the memory budget: the budget bounds the process (tensors live in native
 * memory, the L-BFGS history in direct buffers), but the image-sized optimiser vectors (iterate, gradient, direction,
 * Adam's moments, the new evaluation's gradient) are {@code float[]} on the heap, for every output pixel even when the
 * network runs tile by tile. A JVM whose {@code -Xmx} cannot hold them fails mid-job with an {@link OutOfMemoryError}
 * (and a pod started with {@code -XX:+ExitOnOutOfMemoryError} dies and is handed the same job again), so the engine
 * refuses such an output before it starts and the worker advertises an output cap its heap can hold.
 *
 * <p>MEASURED with {@code -Xlog:gc} on {@code ist transfer} (random VGG19, 2 iterations, L-BFGS, tiled under 3g): the
 * largest heap after a collection was 171 MiB at 1280x720 and 344 MiB at 2560x1440, i.e. 116 MiB + 62.5 B per output
 * pixel (5.2 vectors of 12 B). At 7680x4320 that line gives 2.1 GiB, where {@code jcmd GC.heap_info} had shown 2.3 GiB
 * used, garbage included. The model keeps 6 vectors and 128 MiB; 2560x1440 then needs 381 MiB, and it ran to the end
 * under {@code -Xmx384m} while {@code -Xmx256m} died of {@link OutOfMemoryError} (see the closing note of #14).
 */
public final class HeapModel {

    /** Heap that does not grow with the output: decoded inputs at their size, the network's Java side, clients. */
    public static final long FIXED_BYTES = 128L << 20;
    /** Image-sized float vectors (3 channels, 4 bytes) alive together at the worst moment. */
    public static final int VECTORS = 6;
    public static final int BYTES_PER_PIXEL = VECTORS * 12;

    private HeapModel() {
    }

    /** The heap an output of {@code pixels} needs. */
    public static long heapBytes(long pixels) {
        return FIXED_BYTES + BYTES_PER_PIXEL * pixels;
    }

    /** The largest output (pixels) a heap of {@code maxHeapBytes} holds; 0 when it holds none. */
    public static long largestPixels(long maxHeapBytes) {
        return Math.max(0, (maxHeapBytes - FIXED_BYTES) / BYTES_PER_PIXEL);
    }

    /**
     * The output cap a worker runs with and advertises: {@code configuredCap}, lowered to what its heap holds.
     *
     * @param maxHeapBytes {@link Runtime#maxMemory()} ({@link Long#MAX_VALUE} when the JVM has no limit)
     */
    public static long outputCap(long configuredCap, long maxHeapBytes) {
        return Math.min(configuredCap, largestPixels(maxHeapBytes));
    }
}
