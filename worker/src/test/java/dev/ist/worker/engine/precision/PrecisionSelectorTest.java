package dev.ist.worker.engine.precision;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrecisionSelectorTest {
    private static final CpuFeatures AMX = new CpuFeatures(true, true);
    private static final CpuFeatures AVX512_BF16 = new CpuFeatures(false, true);

    @Test
    void autoPicksBf16OnCpusWithBf16Hardware() {
        assertEquals(Precision.BF16, PrecisionSelector.select(Precision.AUTO, AMX, null).precision());
        assertEquals(Precision.BF16, PrecisionSelector.select(Precision.AUTO, AVX512_BF16, null).precision());
    }

    @Test
    void autoStaysFp32OnCpusWithoutBf16Hardware() {
        PrecisionSelector.Choice c = PrecisionSelector.select(Precision.AUTO, CpuFeatures.NONE, null);
        assertEquals(Precision.FP32, c.precision());
        assertTrue(c.reason().contains("no native bf16"), c.reason());
    }

    @Test
    void aMissingRequestMeansAuto() {
        assertEquals(Precision.BF16, PrecisionSelector.select(null, AMX, null).precision());
    }

    @Test
    void onAGpuAutoFollowsTheComputeCapabilityNotTheCpu() {
        assertEquals(Precision.BF16, PrecisionSelector.select(Precision.AUTO, CpuFeatures.NONE, "80").precision());
        assertEquals(Precision.BF16, PrecisionSelector.select(Precision.AUTO, CpuFeatures.NONE, "9.0").precision());
        assertEquals(Precision.BF16, PrecisionSelector.select(Precision.AUTO, CpuFeatures.NONE, "120").precision());
        assertEquals(Precision.FP32, PrecisionSelector.select(Precision.AUTO, AMX, "75").precision());
        assertEquals(Precision.FP32, PrecisionSelector.select(Precision.AUTO, AMX, "7.0").precision());
        assertEquals(Precision.FP32, PrecisionSelector.select(Precision.AUTO, AMX, "garbage").precision());
    }

    @Test
    void explicitRequestsAreHonouredAndAnEmulatedBf16SaysSo() {
        assertEquals(Precision.FP32, PrecisionSelector.select(Precision.FP32, AMX, null).precision());
        PrecisionSelector.Choice emulated = PrecisionSelector.select(Precision.BF16, CpuFeatures.NONE, null);
        assertEquals(Precision.BF16, emulated.precision());
        assertTrue(emulated.reason().contains("emulated"), emulated.reason());
    }
}
