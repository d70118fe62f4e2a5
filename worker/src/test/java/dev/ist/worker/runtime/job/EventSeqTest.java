package dev.ist.worker.runtime.job;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventSeqTest {

    @Test
    void sequenceGrowsWithProgressAcrossResumesAndTheTerminalEventComesLast() {
        int total = 100;
        long previous = 0; // QUEUED
        assertTrue(EventSeq.running(0) > previous);
        previous = EventSeq.running(0);
        for (int i = 0; i <= total; i++) {
            assertTrue(EventSeq.progress(i) > previous);
            previous = EventSeq.progress(i);
        }
        assertTrue(EventSeq.terminal(total) > previous);
    }

    @Test
    void resumedRunningSitsBetweenTheProgressBeforeAndAtTheCheckpoint() {
        assertTrue(EventSeq.running(40) > EventSeq.progress(39));
        assertTrue(EventSeq.running(40) < EventSeq.progress(40));
    }

    @Test
    void numbersDependOnlyOnThePointInTheJob() {
        assertEquals(EventSeq.progress(17), EventSeq.progress(17));
        assertEquals(203, EventSeq.terminal(100));
        assertEquals(1, EventSeq.terminal(0), "a request too broken to read has only its terminal event");
    }
}
