package dev.ist.gateway.store;

import dev.ist.common.event.ControlMessage;
import dev.ist.common.event.JobEvent;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.JobRequest;
import dev.ist.common.job.StyleRef;
import dev.ist.gateway.submit.JobIds;
import dev.ist.gateway.support.FreshProjection;
import dev.ist.testkit.PostgresServer;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two gateway replicas' job stores on one real PostgreSQL database agree, by the database's own constraints. */
class TwoStoresOneDatabaseTest {

    private static final ImageRef IMAGE = new ImageRef("d".repeat(64));

    private final DataSource ds = FreshProjection.newDatabase(PostgresServer.shared(), "two_stores");
    private final JobStore first = FreshProjection.storeOn(ds);
    private final JobStore second = FreshProjection.storeOn(ds);

    @Test
    void anIdempotencyKeyRacedAcrossTwoStoresAdmitsExactlyOneJob() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 25; round++) {
                String key = "race-" + round;
                String jobId = JobIds.forIdempotencyKey("alice", key);
                CyclicBarrier start = new CyclicBarrier(2);
                CompletableFuture<Boolean> a = CompletableFuture.supplyAsync(() -> admitAfter(start, first, jobId, key),
                        threads);
                CompletableFuture<Boolean> b = CompletableFuture.supplyAsync(() -> admitAfter(start, second, jobId, key),
                        threads);
                assertTrue(a.get(30, TimeUnit.SECONDS) ^ b.get(30, TimeUnit.SECONDS), "round " + round);
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals(25, first.count("alice", null));
        assertEquals(25, second.count("alice", null));
        // the key itself is unique per owner, whatever job id a (buggy or older) replica derives from it
        assertFalse(second.admit(request(JobIds.random()), JobEvent.queued("x", Instant.now()), "race-0"));
    }

    @Test
    void aCancelThroughOneStoreIsSeenByTheOther() {
        String jobId = JobIds.random();
        assertTrue(first.admit(request(jobId), JobEvent.queued(jobId, Instant.now()), null));
        assertFalse(second.find(jobId).orElseThrow().cancelRequested());
        assertTrue(second.queued("default").getOrDefault("default", List.of()).stream()
                .anyMatch(q -> q.jobId().equals(jobId)));

        first.cancelRequested(ControlMessage.cancel(jobId, Instant.now(), "alice"));

        assertTrue(second.find(jobId).orElseThrow().cancelRequested());
        assertFalse(second.queued("default").getOrDefault("default", List.of()).stream()
                .anyMatch(q -> q.jobId().equals(jobId)), "a job with a cancel request is no longer in the queue");
    }

    private static boolean admitAfter(CyclicBarrier start, JobStore store, String jobId, String key) {
        try {
            start.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return store.admit(request(jobId), JobEvent.queued(jobId, Instant.now()), key);
    }

    private static JobRequest request(String jobId) {
        return JobRequest.of(jobId, Instant.now(), IMAGE, List.of(new StyleRef(IMAGE, 1.0)),
                JobOptions.builder().size(64).iterations(10).build(), "alice");
    }
}
