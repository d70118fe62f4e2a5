package dev.ist.worker.runtime.kafka;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CancelRegistryTest {

    private final Instant now = Instant.parse("2026-01-01T12:00:00Z");
    private final Clock clock = Clock.fixed(now, ZoneOffset.UTC);

    @Test
    void remembersCancelsWithinItsMemory() {
        CancelRegistry r = new CancelRegistry(10, Duration.ofHours(1), clock);
        r.cancel("a", now.minusSeconds(60));
        r.cancel("old", now.minus(Duration.ofHours(2)));
        assertTrue(r.isCancelled("a"));
        assertFalse(r.isCancelled("old"), "older than the memory");
        assertFalse(r.isCancelled("never"));
        assertFalse(r.isCancelled(null));
    }

    @Test
    void isBoundedInCount() {
        CancelRegistry r = new CancelRegistry(3, Duration.ofHours(1), clock);
        for (int i = 0; i < 10; i++) {
            r.cancel("job-" + i, now);
        }
        assertEquals(3, r.size());
        assertTrue(r.isCancelled("job-9"));
        assertFalse(r.isCancelled("job-0"));
    }
}
