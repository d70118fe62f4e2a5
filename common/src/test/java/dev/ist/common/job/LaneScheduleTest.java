package dev.ist.common.job;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static dev.ist.common.job.Priority.HIGH;
import static dev.ist.common.job.Priority.LOW;
import static dev.ist.common.job.Priority.NORMAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LaneScheduleTest {

    private static Map<Priority, Integer> picks(LaneSchedule s, Set<Priority> waiting, int n) {
        Map<Priority, Integer> counts = new EnumMap<>(Priority.class);
        for (int i = 0; i < n; i++) {
            counts.merge(s.next(waiting), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void backloggedLanesGetTheirWeightsShareExactly() {
        LaneSchedule s = LaneSchedule.defaults();
        Map<Priority, Integer> all = picks(s, EnumSet.allOf(Priority.class), 1200);
        assertEquals(800, all.get(HIGH));
        assertEquals(300, all.get(NORMAL));
        assertEquals(100, all.get(LOW));

        Map<Priority, Integer> normalAndLow = picks(LaneSchedule.defaults(), EnumSet.of(NORMAL, LOW), 400);
        assertEquals(300, normalAndLow.get(NORMAL));
        assertEquals(100, normalAndLow.get(LOW));
    }

    @Test
    void everyWindowOfTwelvePicksHoldsEachBackloggedLane() {
        LaneSchedule s = LaneSchedule.defaults();
        List<Priority> seq = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            seq.add(s.next(EnumSet.allOf(Priority.class)));
        }
        for (int from = 0; from + 12 <= seq.size(); from++) {
            List<Priority> window = seq.subList(from, from + 12);
            assertEquals(8, window.stream().filter(p -> p == HIGH).count(), "window at " + from + ": " + window);
            assertEquals(1, window.stream().filter(p -> p == LOW).count(), "window at " + from + ": " + window);
        }
    }

    @Test
    void aLoneLaneTakesEveryPickAndNothingWaitingPicksNothing() {
        LaneSchedule s = LaneSchedule.defaults();
        assertEquals(Map.of(LOW, 50), picks(s, EnumSet.of(LOW), 50));
        assertNull(s.next(EnumSet.noneOf(Priority.class)));
    }

    @Test
    void aWaitingLowJobIsNeverPassedOverMoreThanTheSumOfWeights() {
        // adversarial arrivals: HIGH and NORMAL come and go at random, LOW always waits
        Random random = new Random(42);
        LaneSchedule s = LaneSchedule.defaults();
        int sinceLow = 0;
        int worst = 0;
        int lows = 0;
        for (int i = 0; i < 100_000; i++) {
            Set<Priority> waiting = EnumSet.of(LOW);
            if (random.nextInt(4) != 0) {
                waiting.add(HIGH);
            }
            if (random.nextBoolean()) {
                waiting.add(NORMAL);
            }
            if (s.next(waiting) == LOW) {
                lows++;
                sinceLow = 0;
            } else {
                worst = Math.max(worst, ++sinceLow);
            }
        }
        assertTrue(worst <= 12, "LOW was passed over " + worst + " picks in a row");
        assertTrue(lows >= 100_000 / 12, "LOW got " + lows + " of 100000 picks");
    }

    @Test
    void theFirstPickAfterAQuietSpellIsTheHighestWaitingLane() {
        LaneSchedule s = LaneSchedule.defaults();
        // the worker ran a NORMAL job alone, then LOW, NORMAL and HIGH were queued behind it
        assertEquals(NORMAL, s.next(EnumSet.of(NORMAL)));
        assertEquals(List.of("h", "n", "l"), s.interleave(Map.of(LOW, List.of("l"), NORMAL, List.of("n"),
                HIGH, List.of("h"))));
    }

    @Test
    void interleaveKeepsEachLanesOrderAndPlacesLaterHighJobsFirst() {
        Map<Priority, List<String>> lanes = Map.of(NORMAL, List.of("n1", "n2", "n3", "n4"),
                LOW, List.of("l1", "l2"), HIGH, List.of("h1"));
        List<String> order = LaneSchedule.defaults().interleave(lanes);
        assertEquals(7, order.size());
        assertEquals("h1", order.get(0));
        assertTrue(order.indexOf("n1") < order.indexOf("n2") && order.indexOf("n3") < order.indexOf("n4"));
        assertTrue(order.indexOf("l1") < order.indexOf("l2"));
        assertTrue(order.indexOf("l1") > order.indexOf("n1"), order.toString());
    }

    @Test
    void weightsParseAndRefuseNonsense() {
        assertEquals(Map.of(HIGH, 5, NORMAL, 2, LOW, 1), LaneSchedule.parseWeights(" 5, 2 ,1"));
        assertThrows(IllegalArgumentException.class, () -> LaneSchedule.parseWeights("8,3"));
        assertThrows(IllegalArgumentException.class, () -> LaneSchedule.parseWeights("8,0,1"));
        assertThrows(IllegalArgumentException.class, () -> LaneSchedule.parseWeights("a,b,c"));
        assertEquals(HIGH, LaneSchedule.parseLane("High"));
        assertNull(LaneSchedule.parseLane("urgent"));
    }
}
