package dev.ist.worker.engine;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The valve asks for a collection only when dead direct buffers may exceed its slack. */
class DirectMemoryValveTest {
    private static final long MIB = 1 << 20;

    @Test
    void collectsOnceThePoolGrowsPastTheSlackAndStartsAgainFromWhatIsLive() {
        AtomicLong used = new AtomicLong(100 * MIB); // say, an L-BFGS history
        AtomicLong liveAfterCollection = new AtomicLong(100 * MIB);
        DirectMemoryValve valve = new DirectMemoryValve(used::get, () -> used.set(liveAfterCollection.get()),
                256 * MIB);

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
        DirectMemoryValve valve = new DirectMemoryValve(used::get, () -> used.set(0), 256 * MIB);
        used.set(50 * MIB); // the JVM collected on its own
        valve.beforeTransfer();
        used.set(50 * MIB + 200 * MIB);
        valve.beforeTransfer();
        assertEquals(0, valve.collections(), "200 MiB above the new floor of 50 MiB is within the slack");
        used.set(50 * MIB + 300 * MIB);
        valve.beforeTransfer();
        assertEquals(1, valve.collections());
    }
}
