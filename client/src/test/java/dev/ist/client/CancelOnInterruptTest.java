package dev.ist.client;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CancelOnInterruptTest {

    private final List<String> notes = new ArrayList<>();
    private final List<Integer> exits = new ArrayList<>();
    private final List<String> questions = new ArrayList<>();
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final AtomicBoolean finished = new AtomicBoolean();

    private CancelOnInterrupt policy(Function<String, String> ask) {
        return new CancelOnInterrupt("j1", finished::get, ask, () -> cancelled.set(true), notes::add, exits::add);
    }

    @Test
    void yesOnATerminalCancelsAndKeepsFollowing() {
        policy(q -> {
            questions.add(q);
            return "y";
        }).onInterrupt();
        assertEquals(List.of("cancel job j1? [y/N] "), questions);
        assertTrue(cancelled.get());
        assertEquals(List.of(), exits, "it waits for CANCELLED");
    }

    @Test
    void noOrJustEnterLeavesTheJobRunning() {
        for (String answer : new String[]{"n", "", null}) {
            notes.clear();
            exits.clear();
            policy(q -> answer).onInterrupt();
            assertFalse(cancelled.get());
            assertEquals(List.of(ExitCodes.INTERRUPTED), exits);
            assertTrue(notes.get(0).contains("keeps running") && notes.get(0).contains("ist cancel j1"), notes.get(0));
        }
    }

    @Test
    void withoutATerminalItLeavesTheJobRunningAndSaysHowToCancel() {
        policy(null).onInterrupt();
        assertFalse(cancelled.get());
        assertEquals(List.of(ExitCodes.INTERRUPTED), exits);
        assertEquals(List.of("job j1 keeps running on the service. Follow it: ist status j1; cancel it: ist cancel j1"),
                notes);
    }

    @Test
    void aSecondCtrlCAfterTheCancelStopsWaiting() {
        CancelOnInterrupt p = policy(q -> "yes");
        p.onInterrupt();
        p.onInterrupt();
        assertEquals(List.of(ExitCodes.INTERRUPTED), exits);
        assertTrue(notes.get(notes.size() - 1).startsWith("cancel of job j1 requested; it keeps running"));
    }

    @Test
    void onceTheJobHasFinishedCtrlCJustStopsWithoutAskingOrCancelling() {
        finished.set(true);
        policy(q -> {
            questions.add(q);
            return "y";
        }).onInterrupt();
        policy(null).onShutdown();
        assertFalse(cancelled.get());
        assertEquals(List.of(), questions);
        assertEquals(List.of(ExitCodes.INTERRUPTED), exits);
        assertEquals(List.of(), notes);
    }

    @Test
    void aShutdownWhileFollowingSaysTheJobKeepsRunning() {
        policy(null).onShutdown();
        assertEquals(1, notes.size());
        assertTrue(notes.get(0).contains("ist cancel j1"));
    }
}
