package dev.ist.worker.engine;

import dev.ist.common.capacity.LevelPlan;
import dev.ist.common.capacity.TilePlan;
import dev.ist.common.job.Optimizer;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TilePlanTest {
    private static final BufferedImage IMG = new BufferedImage(16, 9, BufferedImage.TYPE_INT_RGB);

    @Test
    void coresPartitionTheImageAndInnerEdgesLieOnTheGrid() {
        TilePlan plan = TilePlan.of(1000, 600, 256, 64, 16);
        long area = 0;
        for (TilePlan.Tile t : plan.tiles()) {
            area += (long) (t.x1() - t.x0()) * (t.y1() - t.y0());
            for (int edge : new int[] {t.x0(), t.px0(), t.y0(), t.py0()}) {
                assertEquals(0, edge % 16, "edge " + edge + " of " + t);
            }
            assertTrue(t.px1() == 1000 || t.px1() % 16 == 0);
            assertTrue(t.px0() == Math.max(0, t.x0() - 64) && t.py1() == Math.min(600, t.y1() + 64));
        }
        assertEquals(1000L * 600, area);
        assertEquals(4 * 3, plan.tiles().size());
    }

    @Test
    void aSliverBelowOneGridCellIsMergedIntoTheLastTile() {
        TilePlan plan = TilePlan.of(520, 256, 256, 0, 16);
        assertEquals(2, plan.tiles().size());
        assertEquals(520, plan.tiles().get(1).x1());
    }

    @Test
    void haloAndCoreMustFollowTheGrid() {
        assertThrows(IllegalArgumentException.class, () -> TilePlan.of(100, 100, 64, 20, 16));
        assertThrows(IllegalArgumentException.class, () -> TilePlan.of(100, 100, 8, 16, 16));
    }

    @Test
    void withoutABudgetTheLevelIsUntiled() {
        TransferSpec spec = TransferSpec.builder().content(IMG).style(IMG).build();
        assertFalse(new TilePlanner(0).plan(spec, 7680, 4320).tiled());
    }

    @Test
    void aLevelThatFitsTheBudgetStaysUntiledAndOneThatDoesNotIsTiledWithinIt() {
        TransferSpec spec = TransferSpec.builder().content(IMG).style(IMG).build();
        TilePlanner planner = new TilePlanner(8L << 30);
        LevelPlan small = planner.plan(spec, 1024, 576);
        assertFalse(small.tiled());
        assertEquals(TransferSpec.DEFAULT_LBFGS_HISTORY, small.lbfgsHistory());
        LevelPlan print = planner.plan(spec, 7680, 4320);
        assertTrue(print.tiled());
        assertTrue(print.peakBytes() <= 8L << 30, print.describe());
        assertTrue(print.lbfgsHistory() < TransferSpec.DEFAULT_LBFGS_HISTORY, "33 MP needs a shorter history in 8 GB");
    }

    @Test
    void aForcedTileSizeIsUsedAsGiven() {
        TransferSpec spec = TransferSpec.builder().content(IMG).style(IMG).tileSize(512).build();
        LevelPlan plan = new TilePlanner(0).plan(spec, 2048, 1024);
        assertEquals(4 * 2, plan.tiles().tiles().size());
        assertEquals(512, plan.tiles().core());
    }

    @Test
    void aLevelThatCannotFitIsRefusedWithASmallerSize() {
        TransferSpec spec = TransferSpec.builder().content(IMG).style(IMG).build();
        EngineOutOfMemoryException e = assertThrows(EngineOutOfMemoryException.class,
                () -> new TilePlanner(1L << 30).plan(spec, 7680, 4320));
        assertTrue(e.suggestedLongSide() > 0 && e.suggestedLongSide() < 7680);
    }

    @Test
    void theQuoteCoversEveryLevelAndTilesOnlyTheOnesThatNeedIt() {
        BufferedImage content = new BufferedImage(7680, 4320, BufferedImage.TYPE_INT_RGB);
        TransferSpec spec = TransferSpec.builder().content(content).style(IMG).size(7680).multiScale(true)
                .iterations(100).build();
        try (StyleTransferEngine engine = new StyleTransferEngine(dev.ist.worker.engine.weights.RandomWeights.create(1,
                dev.ist.worker.engine.weights.RandomWeights.VGG19_CHANNELS, 13), "cpu",
                EngineSettings.defaults().withMemoryBudget(8L << 30))) {
            dev.ist.common.capacity.Estimate quote = engine.estimate(spec);
            assertTrue(quote.levels().size() > 3);
            assertEquals(1, quote.levels().get(0).tiles(), "the coarsest level is untiled");
            assertTrue(quote.levels().get(quote.levels().size() - 1).tiles() > 1, "the 8K level is tiled");
            assertTrue(quote.peakBytes() <= 8L << 30);
            assertEquals(100, quote.levels().stream().mapToInt(l -> l.iterations()).sum());
            assertTrue(quote.seconds() > quote.secondsPerIteration());
        }
    }

    @Test
    void adamNeedsLessStateThanLbfgs() {
        TilePlan tiles = TilePlan.of(7680, 4320, 1024, 64, 16);
        TilePlanner planner = new TilePlanner(0);
        assertTrue(planner.peak(tiles, Optimizer.ADAM, 0) < planner.peak(tiles, Optimizer.LBFGS, 1));
    }
}
