package dev.ist.worker.engine;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;

/**
 * Keeps the JVM's dead direct buffers from piling up in a tiled run. DJL copies every array it sends to libtorch
 * through a fresh direct buffer (measured: 20 {@code NDManager.create} of a 656² tile left 20 buffers, 103 MiB, with
 * {@code set(Buffer)} and a caller's own direct buffer alike), freed only when a garbage collection finds it dead. A
 * tiled level crops every tile twice per evaluation, and its big image-sized arrays go straight to the old generation,
 * so young collections are rare: at 7680x4320 (135 tiles of 656² padded px, ~1.4 GB of buffers per evaluation) the
 * process grew ~2 GB past its 8 GB plan during its second evaluation with the Java heap flat. Before each tile the
 * valve compares the direct pool with what it held after the last collection and asks for one when dead buffers may
 * exceed {@link #DEFAULT_SLACK_BYTES} (within the planner's reserve for tiled runs).
 */
final class DirectMemoryValve {
    static final long DEFAULT_SLACK_BYTES = 256L << 20;

    private static final DirectMemoryValve SHARED = new DirectMemoryValve(directPoolUsed(), System::gc,
            DEFAULT_SLACK_BYTES);

    private final LongSupplier directUsed;
    private final Runnable collect;
    private final long slackBytes;
    private long afterLastCollection;
    private int collections;

    DirectMemoryValve(LongSupplier directUsed, Runnable collect, long slackBytes) {
        this.directUsed = directUsed;
        this.collect = collect;
        this.slackBytes = slackBytes;
        this.afterLastCollection = directUsed.getAsLong();
    }

    /** The process-wide valve (direct memory is one pool per process). */
    static DirectMemoryValve shared() {
        return SHARED;
    }

    /** Before sending a tile to libtorch: collects when the pool grew past the slack since the last collection. */
    synchronized void beforeTransfer() {
        long used = directUsed.getAsLong();
        if (used < afterLastCollection) {
            afterLastCollection = used; // freed by a collection of its own
        } else if (used - afterLastCollection > slackBytes) {
            collect.run();
            collections++;
            // live direct memory (the L-BFGS history grows by a pair an iteration) becomes the new floor
            afterLastCollection = directUsed.getAsLong();
        }
    }

    synchronized int collections() {
        return collections;
    }

    private static LongSupplier directPoolUsed() {
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if ("direct".equals(pool.getName())) {
                return pool::getMemoryUsed;
            }
        }
        return () -> 0L;
    }
}
