package dev.ist.common.capacity;

import dev.ist.common.job.JobOptions;
import dev.ist.common.job.Optimizer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared capacity model: quotes, the largest size that fits, forward-only plans. */
class CapacityPlannerTest {
    private static final long GIB = 1L << 30;

    private static JobShape job(int size, Optimizer optimizer, boolean multiScale) {
        return new JobShape(4, 3, size, multiScale, JobShape.DEFAULT_MIN_SCALE_LONG_SIDE, 100, optimizer,
                JobShape.DEFAULT_LBFGS_HISTORY, JobShape.TILE_AUTO, JobShape.DEFAULT_TILE_HALO, JobShape.DEFAULT_GRID);
    }

    @Test
    void theDefaultLayersAlignTilesToASixteenPixelGrid() {
        assertEquals(JobShape.DEFAULT_GRID, JobShape.gridOf(JobOptions.DEFAULT_CONTENT_LAYERS,
                JobOptions.DEFAULT_STYLE_LAYERS));
        assertEquals(1, JobShape.gridOf(List.of("relu1_1"), List.of("relu1_1")));
    }

    @Test
    void aMultiScaleQuoteCoversEveryLevelAndItsIterations() {
        Estimate e = CapacityPlanner.measured(4 * GIB).estimate(job(4096, Optimizer.LBFGS, true));
        assertEquals(List.of(128, 256, 512, 1024, 2048, 4096),
                e.levels().stream().map(Estimate.Level::width).toList());
        assertEquals(100, e.levels().stream().mapToInt(Estimate.Level::iterations).sum());
        assertEquals(1, e.levels().get(0).tiles(), "a coarse level runs untiled");
        assertTrue(e.levels().get(5).tiles() > 1, "the print-size level is tiled");
        assertTrue(e.peakBytes() <= 4 * GIB);
    }

    @Test
    void theLargestFittingSizeFitsAndTheNextStepDoesNot() {
        CapacityPlanner oneGig = CapacityPlanner.measured(GIB);
        JobShape big = job(4096, Optimizer.ADAM, false);
        assertThrows(DoesNotFitException.class, () -> oneGig.estimate(big));

        int largest = oneGig.largestFittingSize(big);

        assertTrue(largest > 128 && largest < 4096, "largest " + largest);
        assertTrue(oneGig.fits(big.withSize(largest)));
        assertFalse(oneGig.fits(big.withSize(largest + 1)));
    }

    @Test
    void aStyleImageIsPlannedForwardOnlySoItFitsWhereAnOptimisedLevelWouldNot() {
        CapacityPlanner eightGig = CapacityPlanner.measured(8 * GIB);
        JobShape print = job(7680, Optimizer.LBFGS, false);
        // a square style at the output's long side: 59 MP, more than the optimised 33 MP level can hold in 8 GB
        assertThrows(DoesNotFitException.class, () -> eightGig.plan(print, 7680, 7680));

        TilePlan forward = eightGig.planForward(print, 7680, 7680);

        assertTrue(forward.tiles().size() > 1);
        assertTrue(forward.core() >= CapacityPlanner.MIN_CORE);
    }

    @Test
    void aForwardPassOverAnImageTheSizeOfATiledLevelUsesThatLevelsTiles() {
        CapacityPlanner eightGig = CapacityPlanner.measured(8 * GIB);
        JobShape print = job(7680, Optimizer.LBFGS, false);
        TilePlan optimised = eightGig.plan(print, 7680, 4320).tiles();
        assertTrue(optimised.tiles().size() > 1);

        // the style image at the output's size: forward only, it alone would fit far bigger tiles in 8 GB, whose
        // freed pages the native allocator would keep beside the optimiser's state
        TilePlan forward = eightGig.planForward(print, 7680, 4320);

        assertEquals(optimised.core(), forward.core());
        assertEquals(optimised.largestPaddedPixels(), forward.largestPaddedPixels());
    }

    @Test
    void aForwardPassOverAnImageThatFitsUntiledIsUntiled() {
        CapacityPlanner eightGig = CapacityPlanner.measured(8 * GIB);
        JobShape small = job(512, Optimizer.LBFGS, false);
        assertTrue(eightGig.planForward(small, 512, 384).single());
    }
}
