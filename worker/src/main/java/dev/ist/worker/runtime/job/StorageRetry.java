package dev.ist.worker.runtime.job;

import dev.ist.common.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * The job-level retry budget for transient storage failures, on top of the retries each {@link
 * dev.ist.common.storage.ImageStore} call already makes: a short outage delays a job instead of failing it. The waits
 * double from {@code backoff} and end early when the job must stop; permanent errors are not retried.
 */
public final class StorageRetry {

    private static final Logger LOG = LoggerFactory.getLogger(StorageRetry.class);

    /** One storage step of a job. */
    @FunctionalInterface
    public interface Call<T> {
        T call() throws JobFailure;
    }

    /** A storage step that returns nothing. */
    @FunctionalInterface
    public interface Action {
        void run() throws JobFailure;
    }

    private final int attempts;
    private final Duration backoff;

    public StorageRetry(int attempts, Duration backoff) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be >= 1");
        }
        this.attempts = attempts;
        this.backoff = backoff;
    }

    /** Runs {@code call}, retrying transient {@link StorageException}s; the last one propagates. */
    public <T> T call(String jobId, JobControl control, String what, Call<T> call) throws JobFailure {
        Duration wait = backoff;
        for (int attempt = 1; ; attempt++) {
            try {
                return call.call();
            } catch (StorageException e) {
                if (!e.isTransient() || attempt >= attempts || control.mustAbandon()) {
                    throw e;
                }
                LOG.warn("job {}: could not {} ({}); retrying in {}", jobId, what, e.getMessage(), wait);
                sleep(wait, control);
                wait = wait.multipliedBy(2);
            }
        }
    }

    public void run(String jobId, JobControl control, String what, Action action) throws JobFailure {
        call(jobId, control, what, () -> {
            action.run();
            return null;
        });
    }

    /** Sleeps in short steps so a revocation or shutdown does not wait for the whole backoff. */
    private static void sleep(Duration d, JobControl control) {
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < end && !control.mustAbandon()) {
            try {
                Thread.sleep(Math.min(100, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
