package dev.ist.worker.engine;

import dev.ist.common.job.Precision;
import dev.ist.worker.engine.precision.CalibrationCache;
import dev.ist.worker.engine.precision.PrecisionCalibration;
import dev.ist.worker.engine.weights.RandomWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real calibration on whatever CPU runs the tests: both precisions are timed, the choice is the one its own
 * figures call for, an engine on AUTO then runs in it, and a restart reads the answer instead of measuring again.
 */
class PrecisionCalibratorTest {

    @TempDir
    Path dir;

    @Test
    void aProbeSettlesTheChoiceOnlyWhereBf16IsFarSlower() {
        assertTrue(PrecisionCalibrator.notWorthTimingAtSize(110, 1000), "emulated bf16: 9x slower at 40 px");
        assertTrue(PrecisionCalibrator.notWorthTimingAtSize(110, 3 * 110), "exactly the probe's limit");
        assertFalse(PrecisionCalibrator.notWorthTimingAtSize(110, 250), "2.3x slower: timed at full size");
        assertFalse(PrecisionCalibrator.notWorthTimingAtSize(110, 60), "faster: timed at full size");
    }

    @Test
    void calibratesThisMachineAndAutoFollowsTheMeasurement() throws Exception {
        CalibrationCache cache = new CalibrationCache(dir);
        try (StyleTransferEngine engine = new StyleTransferEngine(RandomWeights.vgg19(1), "cpu",
                EngineSettings.defaults(), Precision.AUTO)) {
            long start = System.nanoTime();
            PrecisionCalibration c = PrecisionCalibrator.calibrate(engine, cache, PrecisionCalibration.DEFAULT_MARGIN);
            System.out.printf("calibration on %s in %d ms: %s%n", c.key(), (System.nanoTime() - start) / 1_000_000,
                    c.describe());
            assertFalse(c.cached());
            assertTrue(c.timings().fp32MsPerIteration() > 0 && c.timings().bf16MsPerIteration() > 0);
            Precision expected = c.timings().bf16Fallback() == null
                    && c.timings().fp32MsPerIteration() / c.timings().bf16MsPerIteration() >= c.margin()
                    ? Precision.BF16 : Precision.FP32;
            assertEquals(expected, c.choice(), "the choice its own timings call for: " + c.describe());

            BufferedImage img = PrecisionCalibrator.pattern(32, 2, 3);
            TransferSpec unnamed = TransferSpec.builder().content(img).style(img).size(32).iterations(1).build();
            engine.useCalibration(c);
            assertEquals(c.choice(), engine.precisionFor(unnamed).precision(), "AUTO runs in the measured choice");
            assertEquals(Precision.FP32, engine.precisionFor(unnamed.toBuilder().precision(Precision.FP32).build())
                    .precision(), "an explicit precision is still honoured");

            assertTrue(Files.list(dir).anyMatch(p -> p.getFileName().toString().equals(c.key().fileName())));
            PrecisionCalibration again = PrecisionCalibrator.calibrate(engine, new CalibrationCache(dir),
                    PrecisionCalibration.DEFAULT_MARGIN);
            assertTrue(again.cached(), "a restart on the same machine reads the answer");
            assertEquals(c.timings(), again.timings());
            assertEquals(c.choice(), again.choice());
        }
    }
}
