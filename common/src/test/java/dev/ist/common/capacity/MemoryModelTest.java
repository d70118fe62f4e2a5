package dev.ist.common.capacity;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine memory model against the peak RSS measured with {@code ist transfer} (worker/README-config.md). */
class MemoryModelTest {

    private static final MemoryModel MODEL = MemoryModel.measuredCpuFp32();

    /** Measured peak RSS in kB at 256×192, 512×384, 1024×768: L-BFGS 24 iterations (history 20), Adam 4. */
    private static final long[] LBFGS_KB = {707176, 1545332, 4151924};
    private static final long[] ADAM_KB = {604080, 1359608, 3720616};
    private static final int[] LONG_SIDES = {256, 512, 1024};

    @Test
    void theModelIsWithinElevenPercentOfEveryMeasuredPeak() {
        for (int i = 0; i < LONG_SIDES.length; i++) {
            int w = LONG_SIDES[i];
            int h = w * 3 / 4;
            assertWithin(MODEL.estimate(MemoryModel.Mode.LBFGS, w, h, 20), LBFGS_KB[i] * 1024, 0.11, "lbfgs " + w);
            assertWithin(MODEL.estimate(MemoryModel.Mode.ADAM, w, h, 0), ADAM_KB[i] * 1024, 0.11, "adam " + w);
        }
    }

    @Test
    void theLbfgsHistoryIsCountedPerPair() {
        long oneMorePair = MODEL.estimate(MemoryModel.Mode.LBFGS, 2048, 1536, 21)
                - MODEL.estimate(MemoryModel.Mode.LBFGS, 2048, 1536, 20);
        assertEquals(2048L * 1536 * 2 * 3 * Float.BYTES, oneMorePair, 1.0);
        assertEquals(MODEL.estimate(MemoryModel.Mode.ADAM, 2048, 1536, 0),
                MODEL.estimate(MemoryModel.Mode.ADAM, 2048, 1536, 20));
    }

    @Test
    void historyThatFitsShrinksWithTheBudget() {
        long budget = MODEL.estimate(MemoryModel.Mode.LBFGS, 2048, 1536, 7);
        assertEquals(7, MODEL.historyThatFits(2048, 1536, 20, budget));
        assertEquals(0, MODEL.historyThatFits(2048, 1536, 20, MODEL.estimate(MemoryModel.Mode.ADAM, 16, 16, 0)));
    }

    private static void assertWithin(long estimate, long measured, double tolerance, String what) {
        double error = (estimate - measured) / (double) measured;
        assertTrue(Math.abs(error) <= tolerance, what + ": estimate " + estimate + " vs measured " + measured
                + " (" + Math.round(error * 1000) / 10.0 + " %)");
    }
}
