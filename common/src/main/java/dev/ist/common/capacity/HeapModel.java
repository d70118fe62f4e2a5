package dev.ist.common.capacity;

import dev.ist.common.job.Optimizer;

/**
 * The Java heap a transfer needs, apart from the memory budget: the budget bounds the process (tensors live in native
 * memory, the L-BFGS history in direct buffers), but the image-sized optimiser vectors (iterate, gradient, direction,
 * Adam's moments, the new evaluation's gradient) are {@code float[]} on the heap, for every output pixel even when the
 * network runs tile by tile. A JVM whose {@code -Xmx} cannot hold them fails mid-job with an {@link OutOfMemoryError}
 * (and a pod started with {@code -XX:+ExitOnOutOfMemoryError} dies and is handed the same job again), so the engine
 * refuses such an output before it starts and the worker advertises an output cap its heap can hold.
 *
 * <p>MEASURED with {@code -Xlog:gc} on {@code ist transfer} (random VGG19, tiled under 3g): the largest heap after a
 * collection was, with L-BFGS, 171 MiB at 1280x720, 344 MiB at 2560x1440 and 2135 MiB at 7680x4320 (116 MiB + 62.5 B
 * per output pixel, 5.2 vectors of 12 B); with Adam, 183 MiB and 387 MiB at the two smaller sizes (115 MiB + 77 B/px,
 * 6.4 vectors). The model keeps 128 MiB and 6 vectors for L-BFGS, 7 for Adam: 2560x1440 with L-BFGS then needs
 * 381 MiB, and it ran to the end under {@code -Xmx384m} while {@code -Xmx256m} died of {@link OutOfMemoryError}.
 */
public final class HeapModel {

    /** Heap that does not grow with the output: decoded inputs at their size, the network's Java side, clients. */
    public static final long FIXED_BYTES = 128L << 20;
    private static final int VECTOR_BYTES_PER_PIXEL = 12; // 3 channels of float
    private static final int LBFGS_VECTORS = 6;
    private static final int ADAM_VECTORS = 7;

    private HeapModel() {
    }

    /** Heap bytes per output pixel of a run with {@code optimizer}. */
    public static int bytesPerPixel(Optimizer optimizer) {
        return (optimizer == Optimizer.ADAM ? ADAM_VECTORS : LBFGS_VECTORS) * VECTOR_BYTES_PER_PIXEL;
    }

    /** The heap an output of {@code pixels} needs with {@code optimizer}. */
    public static long heapBytes(Optimizer optimizer, long pixels) {
        return FIXED_BYTES + bytesPerPixel(optimizer) * pixels;
    }

    /** The largest output (pixels) a heap of {@code maxHeapBytes} holds with {@code optimizer}; 0 when none. */
    public static long largestPixels(Optimizer optimizer, long maxHeapBytes) {
        return Math.max(0, (maxHeapBytes - FIXED_BYTES) / bytesPerPixel(optimizer));
    }

    /**
     * The output cap a worker runs with and advertises: {@code configuredCap}, lowered to what its heap holds with
     * the optimiser that needs most, since a worker class's advert does not know the job's optimiser.
     *
     * @param maxHeapBytes {@link Runtime#maxMemory()} ({@link Long#MAX_VALUE} when the JVM has no limit)
     */
    public static long outputCap(long configuredCap, long maxHeapBytes) {
        long holds = Math.min(largestPixels(Optimizer.LBFGS, maxHeapBytes), largestPixels(Optimizer.ADAM, maxHeapBytes));
        return Math.min(configuredCap, holds);
    }
}
