package dev.ist.worker.runtime.fleet;

import dev.ist.common.ObjectKeys;
import dev.ist.common.storage.ImageStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Retention on a real S3 server without lifecycle rules (S3Proxy): the janitor expires what nobody needs. */
class StorageJanitorTest {

    private final ImageStore store = FleetStorage.freshStore("janitor");

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void finishedJobsLoseTheirDataAfterTheRetentionAndUnreferencedInputsGoToo() {
        String finished = UUID.randomUUID().toString();
        String running = UUID.randomUUID().toString();
        String usedInput = store.putContentAddressed("used".getBytes(), "image/png").key();
        String orphanInput = store.putContentAddressed("orphan".getBytes(), "image/png").key();
        String runningInput = store.putContentAddressed("running".getBytes(), "image/png").key();
        String usedSha = usedInput.substring(ObjectKeys.INPUTS_PREFIX.length());
        String runningSha = runningInput.substring(ObjectKeys.INPUTS_PREFIX.length());

        store.put(ObjectKeys.result(finished, "png"), new byte[]{1}, "image/png");
        store.put(ObjectKeys.preview(finished, 10), new byte[]{2}, "image/jpeg");
        store.put(ObjectKeys.manifest(finished), ("{\"contentSha256\":\"" + usedSha + "\"}")
                .getBytes(StandardCharsets.UTF_8), "application/json");
        store.put(ObjectKeys.terminalMarker(finished), "{}".getBytes(), "application/json");
        store.put(AttemptCounter.key(finished), "{}".getBytes(), "application/json");
        // a job still running: a checkpoint and a manifest-like record of its input, no terminal marker
        store.put(ObjectKeys.checkpoint(running), new byte[]{3}, "application/octet-stream");
        store.put(ObjectKeys.manifest(running), ("{\"styles\":[{\"sha256\":\"" + runningSha + "\"}]}")
                .getBytes(StandardCharsets.UTF_8), "application/json");

        // within the retention nothing goes
        StorageJanitor.Sweep early = new StorageJanitor(store, Duration.ofDays(7), Clock.systemUTC()).sweep();
        assertEquals(0, early.jobsExpired() + early.inputsDeleted());
        assertTrue(store.exists(ObjectKeys.result(finished, "png")));

        // ten minutes later with a five-minute retention
        Clock later = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(10));
        StorageJanitor.Sweep sweep = new StorageJanitor(store, Duration.ofMinutes(5), later).sweep();
        assertEquals(1, sweep.jobsExpired());
        assertEquals(3, sweep.objectsDeleted());
        assertFalse(store.exists(ObjectKeys.result(finished, "png")));
        assertFalse(store.exists(ObjectKeys.preview(finished, 10)));
        assertFalse(store.exists(ObjectKeys.manifest(finished)));
        assertTrue(store.exists(ObjectKeys.terminalMarker(finished)), "a redelivery still sees it finished");
        assertTrue(store.exists(AttemptCounter.key(finished)));
        assertTrue(store.exists(ObjectKeys.expired(finished)), "the API can say dataRemoved");
        assertTrue(store.exists(ObjectKeys.checkpoint(running)), "a running job keeps its data");

        // the finished job's input lost its only reference in this sweep; the running job's input is kept
        assertFalse(store.exists(orphanInput));
        assertTrue(store.exists(runningInput));
        StorageJanitor.Sweep next = new StorageJanitor(store, Duration.ofMinutes(5), later).sweep();
        assertEquals(0, next.jobsExpired());
        assertFalse(store.exists(usedInput), "unreferenced once its job expired");
        assertTrue(store.exists(runningInput));
    }
}
