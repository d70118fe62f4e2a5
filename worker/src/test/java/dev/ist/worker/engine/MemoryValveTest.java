package dev.ist.worker.engine;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The valve asks for a collection only when a pool's garbage may exceed its slack, and once for both pools. */
class MemoryValveTest {
    private static final long MIB = 1 << 20;

    private static MemoryValve directOnly(AtomicLong used, Runnable collect) {
        return new MemoryValve(List.of(new MemoryValve.Gauge(used::get, 256 * MIB)), collect);
    }

    @Test
    void collectsOnceThePoolGrowsPastTheSlackAndStartsAgainFromWhatIsLive() {
        AtomicLong used = new AtomicLong(100 * MIB); // say, an L-BFGS history
        AtomicLong liveAfterCollection = new AtomicLong(100 * MIB);
        MemoryValve valve = directOnly(used, () -> used.set(liveAfterCollection.get()));

        for (int tile = 0; tile < 50; tile++) { // 5 MiB of transfer buffers per tile
            valve.beforeTransfer();
            used.addAndGet(5 * MIB);
        }
        assertEquals(0, valve.collections(), "250 MiB of buffers stay within the slack");

        for (int tile = 0; tile < 10; tile++) {
            valve.beforeTransfer();
            used.addAndGet(5 * MIB);
        }
        assertEquals(1, valve.collections(), "past 256 MiB one collection frees the dead buffers");
        assertEquals(100 * MIB + 8 * 5 * MIB, used.get(), "collected before the third tile: eight tiles sent since");

        liveAfterCollection.set(900 * MIB); // a new history pair is live memory, not garbage
        used.set(900 * MIB + 300 * MIB);
        valve.beforeTransfer();
        assertEquals(2, valve.collections());
        for (int tile = 0; tile < 40; tile++) {
            valve.beforeTransfer();
            used.addAndGet(5 * MIB);
        }
        assertEquals(2, valve.collections(), "the live 900 MiB is the new floor, not counted as garbage");
    }

    @Test
    void aCollectionThatHappenedAnywayLowersTheFloor() {
        AtomicLong used = new AtomicLong(400 * MIB);
        MemoryValve valve = directOnly(used, () -> used.set(0));
        used.set(50 * MIB); // the JVM collected on its own
        valve.beforeTransfer();
        used.set(50 * MIB + 200 * MIB);
        valve.beforeTransfer();
        assertEquals(0, valve.collections(), "200 MiB above the new floor of 50 MiB is within the slack");
        used.set(50 * MIB + 300 * MIB);
        valve.beforeTransfer();
        assertEquals(1, valve.collections());
    }

    @Test
    void heapGarbagePastItsSlackTriggersOneCollectionThatResetsBothFloors() {
        AtomicLong direct = new AtomicLong(100 * MIB);
        AtomicLong heap = new AtomicLong(2000 * MIB); // the optimiser's live vectors
        MemoryValve valve = new MemoryValve(List.of(new MemoryValve.Gauge(direct::get, 256 * MIB),
                new MemoryValve.Gauge(heap::get, 512 * MIB)), () -> {
                    direct.set(100 * MIB);
                    heap.set(2000 * MIB);
                });

        heap.addAndGet(400 * MIB); // the evaluation's new gradient: within the heap's slack
        direct.addAndGet(200 * MIB);
        valve.beforeTransfer();
        assertEquals(0, valve.collections());

        heap.addAndGet(200 * MIB); // plus tile crops and gradients: 600 MiB of garbage
        valve.beforeTransfer();
        assertEquals(1, valve.collections(), "the heap alone was past its slack");
        assertEquals(100 * MIB, direct.get(), "the one collection freed the direct buffers too");

        direct.addAndGet(250 * MIB);
        heap.addAndGet(500 * MIB);
        valve.beforeTransfer();
        assertEquals(1, valve.collections(), "both within their slack above the floors the collection left");
    }
}
