package dev.ist.worker.engine.precision;

import dev.ist.common.job.Precision;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrecisionSelectorTest {
    private static final CpuFeatures AMX = new CpuFeatures(true, true);
    private static final CpuFeatures AVX512_BF16 = new CpuFeatures(false, true);

    @Test
    void autoPicksBf16OnCpusWithAmx() {
        assertEquals(Precision.BF16, PrecisionSelector.select(Precision.AUTO, AMX, null).precision());
        assertEquals(Precision.BF16, PrecisionSelector.select(Precision.AUTO, new CpuFeatures(true, false), null)
                .precision());
    }

    @Test
    void autoStaysFp32WhereBf16IsNotFaster() {
        // AVX512-BF16 without AMX measured slower than fp32 (see PrecisionSelector)
        PrecisionSelector.Choice avx = PrecisionSelector.select(Precision.AUTO, AVX512_BF16, null);
        assertEquals(Precision.FP32, avx.precision());
        assertTrue(avx.reason().contains("no fast bf16"), avx.reason());
        assertEquals(Precision.FP32, PrecisionSelector.select(Precision.AUTO, CpuFeatures.NONE, null).precision());
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
    void explicitRequestsAreHonouredAndASlowBf16SaysSo() {
        assertEquals(Precision.FP32, PrecisionSelector.select(Precision.FP32, AMX, null).precision());
        PrecisionSelector.Choice slow = PrecisionSelector.select(Precision.BF16, AVX512_BF16, null);
        assertEquals(Precision.BF16, slow.precision());
        assertTrue(slow.reason().contains("slower than fp32"), slow.reason());
    }
}
