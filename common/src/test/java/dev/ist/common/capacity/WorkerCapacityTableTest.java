package dev.ist.common.capacity;

import dev.ist.common.capacity.WorkerCapacity;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gateway's table of advertised capacity: latest record per worker, tombstones and stale entries dropped. */
class WorkerCapacityTableTest {
    private static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");
    private static final long GIB = 1L << 30;

    @Test
    void workersWithTheSameDeviceBudgetAndCapFormOneClassWithTheirMeanThroughput() {
        WorkerCapacityTable table = new WorkerCapacityTable(Duration.ofSeconds(90));
        table.apply("a", capacity("a", "gpu:0", 16 * GIB, 1000, T0));
        table.apply("b", capacity("b", "gpu:1", 16 * GIB, 3000, T0));
        table.apply("c", capacity("c", "cpu", 8 * GIB, 0, T0));

        List<WorkerClass> classes = table.classes(T0);

        assertEquals(2, classes.size());
        assertEquals(new WorkerClass("cpu", 8 * GIB, 0, 0, 1), classes.get(0), "smallest budget first");
        assertEquals(new WorkerClass("gpu", 16 * GIB, 2000, 0, 2), classes.get(1));
    }

    @Test
    void aTombstoneRemovesTheWorkerAndALaterRecordReplacesAnEarlierOne() {
        WorkerCapacityTable table = new WorkerCapacityTable(Duration.ofSeconds(90));
        table.apply("a", capacity("a", "cpu", 8 * GIB, 100, T0));
        table.apply("a", capacity("a", "cpu", 4 * GIB, 100, T0.plusSeconds(30)));
        table.apply("a", capacity("a", "cpu", 2 * GIB, 100, T0.plusSeconds(10))); // out of order: older, ignored
        assertEquals(4 * GIB, table.live(T0.plusSeconds(30)).get(0).memoryBudgetBytes());

        table.apply("a", null);

        assertTrue(table.live(T0.plusSeconds(30)).isEmpty());
    }

    @Test
    void anAdvertisementOlderThanTheMaximumAgeNoLongerCounts() {
        WorkerCapacityTable table = new WorkerCapacityTable(Duration.ofSeconds(90));
        table.apply("gone", capacity("gone", "cpu", 8 * GIB, 100, T0));
        table.apply("fresh", capacity("fresh", "cpu", 8 * GIB, 100, T0.plusSeconds(60)));

        assertEquals(2, table.live(T0.plusSeconds(90)).size());
        assertEquals(List.of("fresh"), table.live(T0.plusSeconds(91)).stream().map(WorkerCapacity::workerId).toList());
    }

    private static WorkerCapacity capacity(String id, String device, long budget, double pixelsPerSecond, Instant at) {
        return new WorkerCapacity(WorkerCapacity.SCHEMA_VERSION, id, device, budget, pixelsPerSecond, 0, at);
    }
}
