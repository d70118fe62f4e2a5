package dev.ist.client;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Reconnection delays: the server's {@code retry:} (or {@code initial}) doubling per failed attempt up to
 * {@code max}, with ±20 % jitter so many clients cut off together do not return together.
 */
public final class Backoff {

    private final Duration initial;
    private final Duration max;
    private final RandomGenerator random;

    public Backoff(Duration initial, Duration max, RandomGenerator random) {
        if (initial.isNegative() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 <= initial <= max");
        }
        this.initial = initial;
        this.max = max;
        this.random = random;
    }

    /** The delay before attempt {@code attempt} (1 = the first reconnect); {@code serverRetry} may be null. */
    public Duration delay(int attempt, Long serverRetryMillis) {
        long base = serverRetryMillis != null ? Math.min(serverRetryMillis, max.toMillis()) : initial.toMillis();
        long d = base;
        for (int i = 1; i < attempt && d < max.toMillis(); i++) {
            d *= 2;
        }
        d = Math.min(d, max.toMillis());
        double jitter = 0.8 + 0.4 * random.nextDouble();
        return Duration.ofMillis(Math.round(d * jitter));
    }
}
