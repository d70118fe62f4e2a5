package dev.ist.gateway.submit;

import dev.ist.common.job.JobLimits;
import dev.ist.gateway.api.ProblemException;
import jakarta.inject.Singleton;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Pixels being decoded at once, across all requests: a full decode holds ~4 bytes per pixel, so without a bound a
 * few parallel 40-megapixel uploads would need more heap than the gateway has. The budget is two of the largest
 * allowed images (in kilo-pixels); a request that cannot get its share within a few seconds is answered 503.
 */
@Singleton
public class DecodeBudget {

    private static final long WAIT_SECONDS = 10;

    private final int totalKilopixels;
    private final Semaphore permits;

    public DecodeBudget(JobLimits limits) {
        long kilo = Math.max(1, 2 * limits.maxInputPixels() / 1000);
        this.totalKilopixels = (int) Math.min(Integer.MAX_VALUE, kilo);
        this.permits = new Semaphore(totalKilopixels, true);
    }

    public Lease acquire(long pixels) {
        int want = (int) Math.max(1, Math.min(totalKilopixels, (pixels + 999) / 1000));
        try {
            if (!permits.tryAcquire(want, WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw busy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw busy();
        }
        return () -> permits.release(want);
    }

    private static ProblemException busy() {
        return new ProblemException(503, "too-many-uploads", "Too many images being checked",
                "the gateway is decoding other large images; retry shortly").retryAfter(2);
    }

    /** A share of the budget, given back on close. */
    public interface Lease extends AutoCloseable {
        @Override
        void close();
    }
}
