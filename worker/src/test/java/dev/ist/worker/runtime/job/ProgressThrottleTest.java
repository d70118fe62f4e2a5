package dev.ist.worker.runtime.job;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressThrottleTest {

    private static final long MS = 1_000_000;

    @Test
    void firstAndLastIterationsAreAlwaysPublished() {
        ProgressThrottle t = new ProgressThrottle(10, 500 * MS);
        assertTrue(t.due(7, 0, false));
        assertFalse(t.due(8, 1 * MS, false));
        assertTrue(t.due(9, 2 * MS, true));
    }

    @Test
    void bothTheIterationStepAndTheIntervalMustHavePassed() {
        ProgressThrottle t = new ProgressThrottle(5, 500 * MS);
        assertTrue(t.due(0, 0, false));
        assertFalse(t.due(5, 100 * MS, false), "enough iterations, too soon");
        assertFalse(t.due(4, 900 * MS, false), "late enough, too few iterations");
        assertTrue(t.due(5, 900 * MS, false));
        assertFalse(t.due(10, 1300 * MS, false));
        assertTrue(t.due(10, 1400 * MS, false));
    }

    @Test
    void everyIterationWithoutIntervalPublishesEveryIteration() {
        ProgressThrottle t = new ProgressThrottle(1, 0);
        for (int i = 0; i < 5; i++) {
            assertTrue(t.due(i, i, false));
        }
    }
}
