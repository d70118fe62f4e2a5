package dev.ist.gateway.api;

import dev.ist.gateway.config.GatewaySettings;
import dev.ist.gateway.store.JobEventListener;
import dev.ist.gateway.store.JobSnapshot;
import dev.ist.gateway.store.JobStore;
import dev.ist.gateway.store.LiveEvents;
import jakarta.inject.Singleton;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * {@code Prefer: wait=N} (RFC 7240) on submit: holds the request until the job ends or N seconds pass. At most
 * {@code ist.gateway.limits.max-waiting-requests} requests wait at once (each holds a worker thread); beyond that the
 * preference is simply not applied and the usual 202 goes out at once.
 */
@Singleton
public class PreferWait {

    static final int MAX_SECONDS = 60;
    private final JobStore store;
    private final LiveEvents live;
    private final Semaphore waiting;

    public PreferWait(JobStore store, LiveEvents live, GatewaySettings settings) {
        this.store = store;
        this.live = live;
        this.waiting = new Semaphore(Math.max(1, settings.limits().maxWaitingRequests()));
    }

    /** The {@code wait} preference in seconds (capped at 60), if the header has one. */
    static OptionalInt parse(String prefer) {
        if (prefer == null) {
            return OptionalInt.empty();
        }
        for (String part : prefer.split(",")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            int semi = p.indexOf(';');
            if (semi >= 0) {
                p = p.substring(0, semi).trim();
            }
            if (p.startsWith("wait=")) {
                try {
                    int n = Integer.parseInt(p.substring(5).trim());
                    return n < 0 ? OptionalInt.empty() : OptionalInt.of(Math.min(n, MAX_SECONDS));
                } catch (NumberFormatException e) {
                    return OptionalInt.empty(); // an unusable preference is ignored, as RFC 7240 asks
                }
            }
        }
        return OptionalInt.empty();
    }

    /** Waits for the job to end; empty when the preference could not be applied (too many waiting). */
    Optional<JobSnapshot> await(String jobId, int seconds) {
        if (!waiting.tryAcquire()) {
            return Optional.empty();
        }
        CountDownLatch done = new CountDownLatch(1);
        JobEventListener listener = e -> {
            if (e.isTerminal()) {
                done.countDown();
            }
        };
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        try {
            live.subscribe(jobId, listener);
            if (store.find(jobId).map(s -> !s.state().isTerminal()).orElse(false)) {
                done.await(seconds, TimeUnit.SECONDS);
            }
            // the tail saw the end; the projector writes it to the store a moment later
            Optional<JobSnapshot> job = store.find(jobId);
            while (done.getCount() == 0 && job.map(s -> !s.state().isTerminal()).orElse(false)
                    && System.nanoTime() < until + TimeUnit.SECONDS.toNanos(2)) {
                Thread.sleep(25);
                job = store.find(jobId);
            }
            return job;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return store.find(jobId);
        } finally {
            live.unsubscribe(jobId, listener);
            waiting.release();
        }
    }
}
