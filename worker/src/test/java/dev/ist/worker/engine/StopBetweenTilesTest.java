package dev.ist.worker.engine;

import dev.ist.common.capacity.LevelPlan;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tiled run polls its stop flag before every tile, not only between iterations: at print sizes one evaluation takes
 * minutes, and a cancel or a worker's shutdown must not wait for it. Stopped between tiles, the run ends without a
 * state (the half-stepped iterate is not one to resume from), naming the last iteration it completed.
 */
class StopBetweenTilesTest {
    private static final StyleTransferEngine engine = Fixtures.tinyEngine(); // lives as long as the test JVM

    private static TransferSpec tiled() {
        return TransferSpec.builder().content(StyleTransferEngineTest.photo(128, 96, 1))
                .style(StyleTransferEngineTest.photo(64, 64, 2)).size(128).iterations(4).styleWeight(1000)
                .multiScale(false).tileSize(64).build();
    }

    @Test
    void aStopRaisedDuringAnIterationEndsTheRunAtTheNextTile() {
        TransferSpec spec = tiled();
        List<LevelPlan> plans = engine.plan(spec);
        int tiles = plans.get(plans.size() - 1).tiles().tiles().size();
        assertTrue(tiles >= 4, "the level is tiled: " + plans);

        // raised once iteration 1 has been reported; the poll between iterations still says no, so the stop lands
        // on the first tile of iteration 2's first evaluation
        AtomicBoolean armed = new AtomicBoolean();
        AtomicInteger pollsSinceArmed = new AtomicInteger();
        AtomicInteger lastReported = new AtomicInteger(-1);
        TransferCancelledException e = assertThrows(TransferCancelledException.class, () -> engine.stylize(spec,
                r -> {
                    lastReported.set(r.iteration());
                    if (r.iteration() == 1) {
                        armed.set(true);
                    }
                },
                () -> armed.get() && pollsSinceArmed.incrementAndGet() >= 2));

        assertEquals(1, lastReported.get(), "no iteration after the stop was reported");
        assertEquals(2, pollsSinceArmed.get(), "stopped at the first tile: no tile after it was computed");
        assertNull(e.lastState(), "a half-stepped iterate is not offered for resuming");
        assertEquals(1, e.iteration(), "the last iteration completed");
        assertTrue(e.getMessage().contains("between two tiles"), e.getMessage());
    }

    @Test
    void aStopBetweenIterationsStillCarriesTheStateToResumeFrom() {
        AtomicBoolean stop = new AtomicBoolean();
        TransferCancelledException e = assertThrows(TransferCancelledException.class, () -> engine.stylize(tiled(),
                r -> stop.compareAndSet(false, r.iteration() == 2), stop::get));
        assertEquals(2, e.iteration());
        assertEquals(2, e.lastState().iteration());
        assertEquals(128, e.lastState().width());
    }

    @Test
    void aFlagThatStaysDownLetsTheTiledRunFinish() {
        TransferResult result = engine.stylize(tiled(), IterationListener.NONE, () -> false);
        assertEquals(4, result.iterationsRun());
        assertEquals(128, result.image().getWidth());
    }
}
