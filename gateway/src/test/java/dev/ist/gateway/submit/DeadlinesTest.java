package dev.ist.gateway.submit;

import dev.ist.gateway.api.ProblemException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Reading Cancel-After durations and deadline instants. */
class DeadlinesTest {

    private final Instant now = Instant.parse("2026-01-31T12:00:00Z");

    @Test
    void readsGoStyleAndIsoDurationsAndInstants() {
        assertEquals(Duration.ofSeconds(90), Deadlines.duration("f", "90s"));
        assertEquals(Duration.ofMinutes(90), Deadlines.duration("f", "1h30m"));
        assertEquals(Duration.ofMillis(250), Deadlines.duration("f", "250ms"));
        assertEquals(Duration.ofMinutes(5), Deadlines.duration("f", "PT5M"));
        assertEquals(now.plusSeconds(30), Deadlines.from("30s", "2026-01-31T13:00:00Z", now), "the header wins");
        assertEquals(Instant.parse("2026-01-31T13:00:00Z"), Deadlines.from(null, "2026-01-31T13:00:00Z", now));
        assertNull(Deadlines.from(null, null, now));
    }

    @Test
    void refusesGarbageZeroNegativeAndFarAway() {
        for (String bad : new String[]{"soon", "0s", "10", "5x", "1h 2m", "8d", "PT-5S", "200h"}) {
            assertThrows(ProblemException.class, () -> Deadlines.duration("f", bad), bad);
        }
        assertThrows(ProblemException.class, () -> Deadlines.from(null, "2026-01-31T11:00:00Z", now));
    }
}
