package dev.ist.worker.engine.precision;

import dev.ist.common.job.Precision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** AUTO's choice from given timings, the cache key, and the cache on disk. */
class PrecisionCalibrationTest {

    private static final CalibrationKey KEY = new CalibrationKey("AMD EPYC 9R14", 2, 2, "2.7.1", "cpu");

    @TempDir
    Path dir;

    private static PrecisionCalibration measured(double fp32Ms, double bf16Ms, String fallback, double margin) {
        return new PrecisionCalibration(KEY, new PrecisionTimings(fp32Ms, bf16Ms, 192, 8, fallback), margin, false);
    }

    @Test
    void bf16IsChosenOnlyWhenItBeatsFp32ByTheMargin() {
        assertEquals(Precision.BF16, measured(1276, 720, null, 1.2).choice(), "1.77x beats 1.2x");
        assertEquals(Precision.FP32, measured(1000, 900, null, 1.2).choice(), "1.11x does not");
        assertEquals(Precision.BF16, measured(1200, 1000, null, 1.2).choice(), "exactly the margin is enough");
        assertEquals(Precision.FP32, measured(500, 1000, null, 1.2).choice(), "bf16 slower (no AMX, 0.5x)");
        assertEquals(Precision.FP32, measured(1276, 720, null, 2.0).choice(), "an operator's stricter margin");
    }

    @Test
    void aBf16RunThatFellBackToFp32IsNeverChosenWhateverItsSpeed() {
        assertEquals(Precision.FP32, measured(2000, 500, "non-finite loss at iteration 3", 1.2).choice());
    }

    @Test
    void autoFollowsTheMeasurementAndExplicitRequestsStayAsGiven() {
        CpuFeatures noAmx = new CpuFeatures(false, true); // the flag rule would say fp32 here
        PrecisionCalibration fast = measured(1276, 720, null, 1.2);
        PrecisionSelector.Choice auto = PrecisionSelector.select(Precision.AUTO, noAmx, null, fast);
        assertEquals(Precision.BF16, auto.precision());
        assertTrue(auto.reason().contains("1276") && auto.reason().contains("720"), auto.reason());
        assertEquals(Precision.BF16, PrecisionSelector.select(null, noAmx, null, fast).precision(), "none named");
        assertEquals(Precision.FP32, PrecisionSelector.select(Precision.FP32, noAmx, null, fast).precision());
        PrecisionCalibration slow = measured(500, 1000, null, 1.2);
        assertEquals(Precision.BF16, PrecisionSelector.select(Precision.BF16, noAmx, null, slow).precision());
        assertEquals(Precision.FP32, PrecisionSelector.select(Precision.AUTO, new CpuFeatures(true, true), null,
                slow).precision(), "a measurement beats even the AMX flag");
        assertEquals(Precision.BF16, PrecisionSelector.select(Precision.AUTO, new CpuFeatures(true, true), null,
                null).precision(), "without a measurement: the flag rule as before");
    }

    @Test
    void theCacheKeySeparatesEverythingTheAnswerDependsOn() {
        String base = KEY.fileName();
        assertEquals(base, new CalibrationKey("AMD EPYC 9R14", 2, 2, "2.7.1", "cpu").fileName(), "stable");
        assertNotEquals(base, new CalibrationKey("Intel Xeon Platinum 8488C", 2, 2, "2.7.1", "cpu").fileName());
        assertNotEquals(base, new CalibrationKey("AMD EPYC 9R14", 16, 2, "2.7.1", "cpu").fileName());
        assertNotEquals(base, new CalibrationKey("AMD EPYC 9R14", 2, 1, "2.7.1", "cpu").fileName());
        assertNotEquals(base, new CalibrationKey("AMD EPYC 9R14", 2, 2, "2.8.0", "cpu").fileName());
        assertNotEquals(base, new CalibrationKey("AMD EPYC 9R14", 2, 2, "2.7.1", "gpu:0").fileName());
        assertTrue(base.matches("precision-cpu-[0-9a-f]{16}\\.json"), base);
    }

    @Test
    void theCpuModelIsReadFromCpuinfo() throws IOException {
        Path cpuinfo = Files.writeString(dir.resolve("cpuinfo"),
                "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 9R14 96-Core Processor\nflags\t: fpu\n");
        assertEquals("AMD EPYC 9R14 96-Core Processor", CalibrationKey.cpuModel(cpuinfo));
        assertEquals("unknown cpu", CalibrationKey.cpuModel(dir.resolve("missing")));
    }

    @Test
    void theCacheKeepsTimingsPerKeyAndMeasuresOverAnUnreadableFile() throws IOException {
        CalibrationCache cache = new CalibrationCache(dir.resolve("cache"));
        assertEquals(Optional.empty(), cache.load(KEY));
        PrecisionTimings t = new PrecisionTimings(461, 311, 192, 8, null);
        cache.store(KEY, t);
        assertEquals(Optional.of(t), new CalibrationCache(dir.resolve("cache")).load(KEY), "a restart reads it");
        assertEquals(Optional.empty(), cache.load(new CalibrationKey("other", 2, 2, "2.7.1", "cpu")));
        Files.writeString(dir.resolve("cache").resolve(KEY.fileName()), "{not json");
        assertEquals(Optional.empty(), cache.load(KEY));
    }

    @Test
    void anExtrapolatedBf16FigureIsKeptAndSaidToBeOne() throws IOException {
        // an AVX2-only EPYC: bf16 9x slower in the 48 px probe, fp32 timed alone at 192 px
        PrecisionTimings t = new PrecisionTimings(643, 643 * 9.0, 192, 8, null, 48);
        PrecisionCalibration c = new PrecisionCalibration(KEY, t, 1.2, false);
        assertEquals(Precision.FP32, c.choice());
        assertTrue(c.describe().contains("extrapolated from a probe at 48 px"), c.describe());
        CalibrationCache cache = new CalibrationCache(dir.resolve("cache"));
        cache.store(KEY, t);
        assertEquals(Optional.of(t), cache.load(KEY));
    }

    @Test
    void aCacheFileWrittenBeforeProbesReadsAsTimedAtFullSize() throws IOException {
        CalibrationCache cache = new CalibrationCache(dir);
        cache.store(KEY, new PrecisionTimings(461, 311, 192, 8, null));
        Path file = dir.resolve(KEY.fileName());
        Files.writeString(file, Files.readString(file).replaceAll("\"bf16ProbeSize\":0,?", "")
                .replace(",}", "}"));
        assertTrue(!Files.readString(file).contains("bf16ProbeSize"), Files.readString(file));
        PrecisionTimings read = cache.load(KEY).orElseThrow();
        assertEquals(new PrecisionTimings(461, 311, 192, 8, null), read);
        assertTrue(!read.bf16Extrapolated());
    }

    @Test
    void aProbeSizeMustBeBelowTheMeasuredSize() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new PrecisionTimings(1, 1, 192, 8, null, 192));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new PrecisionTimings(1, 1, 192, 8, null, -1));
    }

    @Test
    void aCacheThatCannotBeWrittenCostsOnlyAMeasurement() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "x"); // a directory cannot be made under a file
        CalibrationCache cache = new CalibrationCache(file.resolve("cache"));
        cache.store(KEY, new PrecisionTimings(1, 1, 192, 8, null));
        assertEquals(Optional.empty(), cache.load(KEY));
    }
}
