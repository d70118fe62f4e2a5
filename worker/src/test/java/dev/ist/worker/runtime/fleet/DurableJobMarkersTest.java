package dev.ist.worker.runtime.fleet;

import dev.ist.common.storage.CancelMarker;
import dev.ist.common.storage.ImageStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cancel marker and the attempt counter, stored on a real S3 server. */
class DurableJobMarkersTest {

    private final ImageStore store = FleetStorage.freshStore("markers");
    private final String jobId = UUID.randomUUID().toString();

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aCancelIsRememberedByStorageForAnyLaterWorker() {
        CancelMarker writer = new CancelMarker(store, Clock.systemUTC());
        assertFalse(writer.isCancelled(jobId));
        writer.mark(jobId, "api-user", "worker-a");
        CancelMarker laterWorker = new CancelMarker(store, Clock.systemUTC());
        assertTrue(laterWorker.isCancelled(jobId));
        assertEquals("worker-a", laterWorker.read(jobId).orElseThrow().seenBy());
        assertFalse(laterWorker.isCancelled(UUID.randomUUID().toString()));
    }

    @Test
    void attemptsThatKillTheirWorkerAddUpToACrashLoop() {
        AttemptCounter counter = new AttemptCounter(store, Clock.systemUTC());
        int max = 3;
        AttemptCounter.Attempts a = null;
        for (int i = 1; i <= max; i++) {
            a = counter.begin(jobId, "worker-" + i); // then the worker is killed: no stoppedCleanly
            assertFalse(AttemptCounter.isCrashLoop(a, max), "attempt " + i + " still runs");
        }
        AttemptCounter.Attempts fourth = new AttemptCounter(store, Clock.systemUTC()).begin(jobId, "worker-4");
        assertTrue(AttemptCounter.isCrashLoop(fourth, max));
        assertEquals(4, fourth.started());
        assertEquals(List.of("worker-1", "worker-2", "worker-3", "worker-4"), fourth.lastWorkers());
        String message = AttemptCounter.describe(fourth);
        assertTrue(message.contains("worker-3") && message.contains("3 attempts"), message);
    }

    @Test
    void handingAJobOverOnPurposeDoesNotCountAsACrash() {
        AttemptCounter counter = new AttemptCounter(store, Clock.systemUTC());
        for (int i = 0; i < 5; i++) {
            AttemptCounter.Attempts a = counter.begin(jobId, "worker-" + i);
            assertFalse(AttemptCounter.isCrashLoop(a, 3));
            counter.stoppedCleanly(jobId); // revoked or shut down, with a checkpoint
        }
        AttemptCounter.Attempts a = counter.begin(jobId, "worker-x");
        assertEquals(6, a.started());
        assertEquals(0, a.crashed());
        assertEquals(AttemptCounter.WORKERS_KEPT, a.lastWorkers().size());
    }
}
