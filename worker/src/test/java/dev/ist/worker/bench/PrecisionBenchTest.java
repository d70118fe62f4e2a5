package dev.ist.worker.bench;

import dev.ist.worker.engine.precision.PrecisionTimings;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How many bf16 iterations the precision bench runs per size, from the calibration's timings. */
class PrecisionBenchTest {

    @Test
    void whereBf16HasKernelsItRunsEveryIteration() {
        // the AVX512-BF16 EPYC: 269 ms/it at 256 px, so ~151 ms at 192; 100 iterations at 512 take ~107 s
        PrecisionTimings fast = new PrecisionTimings(300, 151, 192, 8, null);
        assertEquals(100, PrecisionBench.bf16Iterations(fast, 256, 100));
        assertEquals(100, PrecisionBench.bf16Iterations(fast, 512, 100));
    }

    @Test
    void whereBf16IsEmulatedItRunsWhatFitsTheBudgetOrNothing() {
        // the AVX2-only EPYC: ~22.8 s/it at 192 px (extrapolated), so ~40 s at 256 and ~162 s at 512
        PrecisionTimings emulated = new PrecisionTimings(643, 22_800, 192, 8, null, 48);
        assertEquals(4, PrecisionBench.bf16Iterations(emulated, 256, 100), "180 s / 40 s");
        assertEquals(0, PrecisionBench.bf16Iterations(emulated, 512, 100), "not even 3 fit 180 s");
        assertEquals(0, PrecisionBench.bf16Iterations(new PrecisionTimings(643, 22_800, 192, 8, null), 320, 100));
    }
}
