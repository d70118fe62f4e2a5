package dev.ist.gateway.submit;

import dev.ist.gateway.auth.Caller;
import org.junit.jupiter.api.Test;

import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubmissionLimiterTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void theRateIsPerCallerOverASlidingMinuteAndSaysWhenToRetry() {
        AtomicLong now = new AtomicLong(0);
        SubmissionLimiter limiter = new SubmissionLimiter(now::get);
        Caller alice = new Caller("alice", 10, 2);
        assertTrue(limiter.tryAcquire(alice).isEmpty());
        now.set(20 * SECOND);
        assertTrue(limiter.tryAcquire(alice).isEmpty());
        now.set(30 * SECOND);
        OptionalLong wait = limiter.tryAcquire(alice);
        assertEquals(30, wait.getAsLong(), "the oldest submission leaves the window at 60 s");
        assertTrue(limiter.tryAcquire(new Caller("bob", 10, 2)).isEmpty(), "callers are counted apart");
        now.set(60 * SECOND);
        assertTrue(limiter.tryAcquire(alice).isEmpty());
        assertTrue(limiter.tryAcquire(alice).isPresent());
    }
}
