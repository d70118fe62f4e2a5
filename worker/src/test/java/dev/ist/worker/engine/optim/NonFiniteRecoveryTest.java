package dev.ist.worker.engine.optim;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each optimiser, fed a NaN or infinite evaluation, never accepts the point: it steps around it with a shorter step
 * and counts it, or, where no honest step exists (the start, or every retry non-finite), throws.
 */
class NonFiniteRecoveryTest {
    private static final Lbfgs.Options PLAIN = new Lbfgs.Options(1.0, 10, 1e-9, 1e-12, false, 25);
    private static final Lbfgs.Options WOLFE = new Lbfgs.Options(1.0, 10, 1e-9, 1e-12, true, 25);

    /** Rosenbrock, whose evaluations numbered in {@code broken} (1-based) come out NaN (loss) or +Inf (a gradient). */
    private static final class Broken implements Objective {
        private final Set<Integer> broken;
        private final boolean infiniteGradient;
        int evaluations;

        Broken(Set<Integer> broken, boolean infiniteGradient) {
            this.broken = broken;
            this.infiniteGradient = infiniteGradient;
        }

        @Override
        public Evaluation evaluate(float[] x) {
            evaluations++;
            Evaluation e = LbfgsTest.rosenbrock(x);
            if (!broken.contains(evaluations)) {
                return e;
            }
            if (infiniteGradient) {
                float[] g = e.gradient().clone();
                g[0] = Float.POSITIVE_INFINITY;
                return new Evaluation(e.loss(), g, null);
            }
            return new Evaluation(Double.NaN, e.gradient(), null);
        }
    }

    private static float[] start() {
        return new float[] {-1.2f, 1f, -0.5f, 0.8f};
    }

    @Test
    void lbfgsStepsAroundANanLossAndStillConverges() {
        Broken f = new Broken(Set.of(4), false);
        float[] x = start();
        Lbfgs lbfgs = new Lbfgs(PLAIN);
        lbfgs.start(x, f);
        for (int i = 0; i < 200 && !lbfgs.converged(); i++) {
            assertTrue(lbfgs.iterate(x, f).isFinite(), "iteration " + i + " returned a non-finite evaluation");
        }
        assertEquals(1, lbfgs.recoveries());
        assertTrue(LbfgsTest.rosenbrock(x).loss() < 1e-4, "converged to " + Arrays.toString(x));
    }

    @Test
    void lbfgsStepsAroundAnInfiniteGradient() {
        Broken f = new Broken(Set.of(3, 4), true);
        float[] x = start();
        Lbfgs lbfgs = new Lbfgs(PLAIN);
        lbfgs.start(x, f);
        for (int i = 0; i < 5; i++) {
            assertTrue(lbfgs.iterate(x, f).isFinite());
        }
        assertEquals(2, lbfgs.recoveries());
        for (float v : x) {
            assertTrue(Float.isFinite(v));
        }
    }

    @Test
    void lbfgsLineSearchShortensANonFiniteProbe() {
        Broken f = new Broken(Set.of(2, 5), false);
        float[] x = start();
        Lbfgs lbfgs = new Lbfgs(WOLFE);
        lbfgs.start(x, f);
        for (int i = 0; i < 100 && !lbfgs.converged(); i++) {
            assertTrue(lbfgs.iterate(x, f).isFinite());
        }
        assertEquals(2, lbfgs.recoveries());
        assertTrue(LbfgsTest.rosenbrock(x).loss() < 1e-4, "converged to " + Arrays.toString(x));
    }

    @Test
    void lbfgsRefusesANonFiniteStartingPoint() {
        Lbfgs lbfgs = new Lbfgs(PLAIN);
        NonFiniteEvaluationException e = assertThrows(NonFiniteEvaluationException.class,
                () -> lbfgs.start(start(), new Broken(Set.of(1), false)));
        assertTrue(e.getMessage().contains("starting point") && e.getMessage().contains("loss NaN"), e.getMessage());
    }

    @Test
    void lbfgsGivesUpAfterTheLastShorterStep() {
        Broken f = new Broken(Set.of(2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14), false);
        float[] x = start();
        Lbfgs lbfgs = new Lbfgs(PLAIN);
        lbfgs.start(x, f);
        NonFiniteEvaluationException e = assertThrows(NonFiniteEvaluationException.class, () -> lbfgs.iterate(x, f));
        assertEquals(NonFiniteEvaluationException.MAX_RECOVERIES, lbfgs.recoveries());
        assertTrue(e.getMessage().contains("after 10 shorter steps"), e.getMessage());
    }

    @Test
    void adamRetriesAtHalfTheRateAndKeepsItInItsState() {
        Broken f = new Broken(Set.of(3), false);
        float[] x = start();
        Adam adam = new Adam(0.05);
        Evaluation ev = adam.start(x, f);
        for (int i = 0; i < 4; i++) {
            ev = adam.iterate(x, ev, f);
            assertTrue(ev.isFinite());
        }
        assertEquals(1, adam.recoveries());
        // a run resumed from the state continues exactly as the uninterrupted one (the halved rate included)
        Adam resumed = new Adam(0.05);
        resumed.restore(adam.stateBytes(), x.length);
        float[] y = x.clone();
        Evaluation evY = ev;
        Objective clean = LbfgsTest::rosenbrock;
        for (int i = 0; i < 5; i++) {
            ev = adam.iterate(x, ev, clean);
            evY = resumed.iterate(y, evY, clean);
        }
        assertArrayEquals(x, y);
        Adam full = new Adam(0.05);
        full.restore(Arrays.copyOf(adam.stateBytes(), adam.stateBytes().length - 4), x.length);
        float[] z = y.clone();
        full.iterate(z, evY, clean);
        resumed.iterate(y, evY, clean);
        assertTrue(!Arrays.equals(z, y), "the older state form (no rate scale) restores at the full rate");
    }

    @Test
    void adamRefusesANonFiniteStartAndGivesUpAfterTheLastRetry() {
        assertThrows(NonFiniteEvaluationException.class, () -> new Adam(0.05).start(start(), new Broken(Set.of(1), true)));
        Broken f = new Broken(Set.of(2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), false);
        float[] x = start();
        Adam adam = new Adam(0.05);
        Evaluation ev = adam.start(x, f);
        NonFiniteEvaluationException e = assertThrows(NonFiniteEvaluationException.class,
                () -> adam.iterate(x, ev, f));
        assertEquals(NonFiniteEvaluationException.MAX_RECOVERIES, adam.recoveries());
        assertTrue(e.getMessage().contains("loss NaN"), e.getMessage());
    }
}
