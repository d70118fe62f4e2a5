package dev.ist.worker.runtime.fleet;

import dev.ist.common.capacity.MemoryModel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admission side of the memory preflight with the measured CPU model and small budgets. */
class MemoryPreflightTest {

    private static final MemoryModel MODEL = MemoryModel.measuredCpuFp32();
    private static final long GIB = 1L << 30;

    @Test
    void aSize2048JobIsRefusedOnABudgetThatDoesNotFitItWithTheLargestSizeThatFits() {
        MemoryPreflight six = new MemoryPreflight(MODEL, 6 * GIB);
        MemoryPreflight.Decision d = six.check(MemoryModel.Mode.LBFGS, 2048, 1536, 20);
        assertFalse(d.fits());
        assertTrue(d.largestFittingSize() > 512 && d.largestFittingSize() < 2048, "largest " + d.largestFittingSize());
        // the size it names does fit
        int s = d.largestFittingSize();
        assertTrue(six.check(MemoryModel.Mode.LBFGS, s, (int) Math.round(s * 0.75), MemoryPreflight.MIN_HISTORY)
                .fits());
        assertTrue(d.message().contains("largest size that fits is " + s), d.message());
    }

    @Test
    void theSameJobIsAcceptedByABudgetThatFitsIt() {
        MemoryPreflight.Decision d = new MemoryPreflight(MODEL, 20 * GIB).check(MemoryModel.Mode.LBFGS, 2048, 1536, 20);
        assertTrue(d.fits());
        assertEquals(20, d.history());
        assertTrue(d.estimateBytes() <= 20 * GIB);
    }

    @Test
    void aTightBudgetShortensTheLbfgsHistoryBeforeRefusing() {
        long full = MODEL.estimate(MemoryModel.Mode.LBFGS, 2048, 1536, 20);
        long tenPairs = MODEL.estimate(MemoryModel.Mode.LBFGS, 2048, 1536, 10);
        MemoryPreflight.Decision d = new MemoryPreflight(MODEL, tenPairs).check(MemoryModel.Mode.LBFGS, 2048, 1536, 20);
        assertTrue(tenPairs < full);
        assertTrue(d.fits());
        assertEquals(10, d.history());
    }

    @Test
    void aHeapCeilingAboveTheMeasuredOneShrinksTheBudget() {
        WorkerMemoryBudget.Limits limits = new WorkerMemoryBudget.Limits(java.util.OptionalLong.of(8 * GIB),
                java.util.OptionalLong.empty(), 64 * GIB, 3 * GIB, 512L << 20, java.util.OptionalLong.empty());
        MemoryPreflight p = new MemoryPreflight(MODEL, limits);
        assertEquals(8 * GIB - (512L << 20) - (3 * GIB - MemoryModel.MEASURED_MAX_HEAP), p.budgetBytes());
    }

    @Test
    void largestFittingSizeIsTheBoundaryOfTheEstimate() {
        long budget = 3 * GIB;
        int s = MODEL.largestFittingSize(MemoryModel.Mode.ADAM, budget, 0.75, 0);
        assertTrue(MODEL.estimate(MemoryModel.Mode.ADAM, s, (int) Math.round(s * 0.75), 0) <= budget);
        assertTrue(MODEL.estimate(MemoryModel.Mode.ADAM, s + 1, (int) Math.round((s + 1) * 0.75), 0) > budget);
    }
}
