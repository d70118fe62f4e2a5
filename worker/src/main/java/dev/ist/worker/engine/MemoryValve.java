package dev.ist.worker.engine;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Keeps a tiled run's garbage from piling up between the JVM's rare collections. A tiled level's big arrays go
 * straight to the old generation (image-sized vectors of ~400 MB at 33 MP, 5 MB tile crops and tile gradients: all
 * "humongous" for G1), so young collections, which would free them, hardly ever run, and G1 grows the heap to place
 * new ones instead. Two pools fill that way:
 * <ul>
 *   <li><b>direct buffers</b>: DJL copies every array it sends to libtorch through a fresh direct buffer (20
 *   {@code NDManager.create} of a 656² tile left 20 buffers, 103 MiB), freed only when a collection finds it dead;
 *   </li>
 *   <li><b>the heap</b>: at 7680x4320 under an 8 GB budget the heap was committed to 5.3 GiB with 1.7 GiB live (a full
 *   collection's figure), and the run peaked at 10 205 MiB, 1.25× its budget, during its second iteration.</li>
 * </ul>
 * Before each tile the valve compares each pool with what it held after the last collection (the live floor, which
 * rises as the L-BFGS history fills) and asks for one collection when either grew past its slack: a few full
 * collections of a mostly-empty heap an evaluation (tenths of a second each) against minutes of computation.
 */
final class MemoryValve {
    static final long DIRECT_SLACK_BYTES = 256L << 20;
    static final long HEAP_SLACK_BYTES = 512L << 20;

    /** One pool the valve watches: how much it holds now and how much garbage it may hold. */
    record Gauge(LongSupplier used, long slackBytes) {
    }

    private static final MemoryValve SHARED = new MemoryValve(List.of(
            new Gauge(directPoolUsed(), DIRECT_SLACK_BYTES),
            new Gauge(() -> ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(),
                    HEAP_SLACK_BYTES)), System::gc);

    private final List<Gauge> gauges;
    private final long[] floors;
    private final Runnable collect;
    private int collections;

    MemoryValve(List<Gauge> gauges, Runnable collect) {
        this.gauges = List.copyOf(gauges);
        this.collect = collect;
        this.floors = new long[gauges.size()];
        resetFloors();
    }

    /** The process-wide valve (one heap, one direct pool per process). */
    static MemoryValve shared() {
        return SHARED;
    }

    /** Before sending a tile to libtorch: collects when a pool grew past its slack since the last collection. */
    synchronized void beforeTransfer() {
        boolean due = false;
        for (int i = 0; i < floors.length; i++) {
            long used = gauges.get(i).used().getAsLong();
            if (used < floors[i]) {
                floors[i] = used; // freed by a collection of the JVM's own
            } else if (used - floors[i] > gauges.get(i).slackBytes()) {
                due = true;
            }
        }
        if (due) {
            collect.run();
            collections++;
            resetFloors(); // what is live now (a new history pair, say) is the new floor, not garbage
        }
    }

    synchronized int collections() {
        return collections;
    }

    private void resetFloors() {
        for (int i = 0; i < floors.length; i++) {
            floors[i] = gauges.get(i).used().getAsLong();
        }
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
