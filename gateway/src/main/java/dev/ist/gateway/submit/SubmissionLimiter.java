package dev.ist.gateway.submit;

import dev.ist.gateway.auth.Caller;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-caller submission rate over a sliding minute. Each replica counts its own submissions (a client spread
 * over N replicas gets up to N× the rate); the in-flight limit, which matters more, is global because it reads the
 * shared job view.
 */
public final class SubmissionLimiter {

    private static final long WINDOW_NANOS = Duration.ofMinutes(1).toNanos();

    private final Map<String, Deque<Long>> windows = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    public SubmissionLimiter(LongSupplier nanoClock) {
        this.clock = nanoClock;
    }

    public SubmissionLimiter() {
        this(System::nanoTime);
    }

    /** Records a submission; when over the rate, records nothing and returns the seconds until one is allowed. */
    public OptionalLong tryAcquire(Caller caller) {
        return tryAcquire(caller.owner(), caller.submissionsPerMinute());
    }

    /** The same for any per-minute budget of {@code owner}. */
    public OptionalLong tryAcquire(String owner, int perMinute) {
        Deque<Long> window = windows.computeIfAbsent(owner, o -> new ArrayDeque<>());
        synchronized (window) {
            long now = clock.getAsLong();
            while (!window.isEmpty() && now - window.peekFirst() >= WINDOW_NANOS) {
                window.pollFirst();
            }
            if (window.size() >= perMinute) {
                long waitNanos = WINDOW_NANOS - (now - window.peekFirst());
                return OptionalLong.of(Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L));
            }
            window.addLast(now);
            return OptionalLong.empty();
        }
    }
}
