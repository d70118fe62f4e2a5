package dev.ist.common.capacity;

import dev.ist.common.codec.JsonCodec;
import dev.ist.common.job.Optimizer;
import dev.ist.common.job.Precision;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

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
    void aClassKnowsTheMeanSpeedOfEachPrecisionAndQuotesAJobWithThePrecisionItForces() {
        WorkerCapacityTable table = new WorkerCapacityTable(Duration.ofSeconds(90));
        table.apply("a", withPrecisions("a", Precision.BF16, Map.of(Precision.FP32, 40_000.0, Precision.BF16, 100_000.0)));
        table.apply("b", withPrecisions("b", Precision.BF16, Map.of(Precision.FP32, 60_000.0, Precision.BF16, 140_000.0)));

        WorkerClass c = table.classes(T0).get(0);

        assertEquals(Map.of(Precision.FP32, 50_000.0, Precision.BF16, 120_000.0), c.pixelsPerSecondByPrecision());
        assertEquals(50_000.0, c.pixelsPerSecondFor(Precision.FP32));
        assertEquals(120_000.0, c.pixelsPerSecondFor(Precision.BF16));
        assertEquals(120_000.0, c.pixelsPerSecondFor(null), "a job naming none runs in what the workers chose");
        assertEquals(120_000.0, c.pixelsPerSecondFor(Precision.AUTO));

        JobShape fp32 = shape(Precision.FP32);
        JobShape bf16 = shape(Precision.BF16);
        MemoryModel model = MemoryModel.measuredCpuFp32();
        double fp32Seconds = ClassFit.of(model, c, fp32).estimate().seconds();
        double bf16Seconds = ClassFit.of(model, c, bf16).estimate().seconds();
        assertEquals(120_000.0 / 50_000.0, fp32Seconds / bf16Seconds, 0.01,
                "a job forcing fp32 on a bf16 fleet is quoted with fp32's speed");
        assertEquals(bf16Seconds, ClassFit.of(model, c, shape(null)).estimate().seconds());
    }

    @Test
    void aWorkerWithoutPrecisionFiguresIsQuotedWithItsOneThroughputForEveryPrecision() {
        WorkerClass c = new WorkerClass("cpu", 8 * GIB, 70_000, 0, 1);
        assertEquals(70_000.0, c.pixelsPerSecondFor(Precision.FP32));
        assertEquals(70_000.0, c.pixelsPerSecondFor(Precision.BF16));
    }

    @Test
    void precisionFiguresSurviveTheTopicsJsonAndARecordWithoutThemStillReads() throws Exception {
        WorkerCapacity advert = withPrecisions("a", Precision.BF16, Map.of(Precision.FP32, 40_000.0, Precision.BF16, 90_000.0));
        assertEquals(advert, JsonCodec.shared().decodeCapacity(JsonCodec.shared().encode(advert)));

        WorkerCapacity old = JsonCodec.shared().decodeCapacity(("{\"v\":1,\"workerId\":\"w\",\"device\":\"cpu\","
                + "\"memoryBudgetBytes\":1,\"pixelsPerSecond\":5.0,\"maxOutputPixels\":0,"
                + "\"at\":\"2026-12-01T12:00:00Z\"}").getBytes(StandardCharsets.UTF_8));
        assertEquals(Map.of(), old.pixelsPerSecondByPrecision());
        assertEquals(null, old.defaultPrecision());
    }

    @Test
    void anAdvertCannotClaimAutoOrANonPositiveRate() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> withPrecisions("a", Precision.AUTO, Map.of()));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> withPrecisions("a", Precision.FP32, Map.of(Precision.FP32, 0.0)));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> withPrecisions("a", Precision.FP32, Map.of(Precision.AUTO, 5.0)));
    }

    private static JobShape shape(Precision precision) {
        return new JobShape(512, 384, 512, false, JobShape.DEFAULT_MIN_SCALE_LONG_SIDE, 100, Optimizer.LBFGS,
                JobShape.DEFAULT_LBFGS_HISTORY, JobShape.TILE_AUTO, JobShape.DEFAULT_TILE_HALO, JobShape.DEFAULT_GRID,
                precision);
    }

    private static WorkerCapacity withPrecisions(String id, Precision chosen, Map<Precision, Double> rates) {
        return new WorkerCapacity(WorkerCapacity.SCHEMA_VERSION, id, "cpu", 8 * GIB,
                rates.getOrDefault(chosen, 1.0), 0, T0, null, chosen, rates);
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
