package dev.ist.worker.engine;

import dev.ist.common.job.Precision;
import dev.ist.worker.engine.precision.PrecisionTimings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The per-precision speed a worker advertises: seeded by its calibration, then what its jobs measure. */
class ThroughputTest {

    @BeforeEach
    @AfterEach
    void forget() {
        Throughput.reset();
    }

    @Test
    void beforeAnyFigureEveryPrecisionIsQuotedWithTheModelsFp32Speed() {
        double model = 1 / TilePlanner.SECONDS_PER_PIXEL_EVALUATION;
        assertEquals(model, Throughput.pixelsPerSecond(Precision.FP32));
        assertEquals(model, Throughput.pixelsPerSecond(Precision.BF16));
        assertEquals(Map.of(), Throughput.known());
    }

    @Test
    void aCalibrationSeedsBothPrecisionsFromItsMillisecondsPerIteration() {
        Throughput.seed(new PrecisionTimings(200, 100, 100, 4, null)); // 100x100 px: 10 000 px in 0.2 s / 0.1 s

        assertEquals(Map.of(Precision.FP32, 50_000.0, Precision.BF16, 100_000.0), Throughput.known());
    }

    @Test
    void aBf16RunThatFellBackToFp32SeedsNoBf16Speed() {
        Throughput.seed(new PrecisionTimings(200, 100, 100, 4, "non-finite loss"));

        assertEquals(Map.of(Precision.FP32, 50_000.0), Throughput.known());
        assertEquals(50_000.0, Throughput.pixelsPerSecond(Precision.BF16), "unknown: fp32's figure stands in");
    }

    @Test
    void evaluationsCountTowardsTheirOwnPrecisionAndReplaceTheCalibrationsSeed() {
        Throughput.seed(new PrecisionTimings(200, 100, 100, 4, null));

        Throughput.record(Precision.BF16, 30_000, 1_000_000_000L); // 30 000 px/s
        Throughput.record(Precision.BF16, 80_000, 1_000_000_000L); // moving average: 0.8 * 30 000 + 0.2 * 80 000

        assertEquals(40_000.0, Throughput.pixelsPerSecond(Precision.BF16), 1e-9);
        assertEquals(50_000.0, Throughput.pixelsPerSecond(Precision.FP32), "fp32 keeps its seed");

        Throughput.seed(new PrecisionTimings(100, 50, 100, 4, null)); // a later seed does not undo a measurement
        assertEquals(40_000.0, Throughput.pixelsPerSecond(Precision.BF16), 1e-9);
        assertEquals(100_000.0, Throughput.pixelsPerSecond(Precision.FP32));
    }
}
