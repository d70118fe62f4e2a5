package dev.ist.worker.runtime.fleet;

import dev.ist.common.ObjectKeys;
import dev.ist.common.storage.ImageStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The attempt fence against a real S3 server (S3Proxy, which ignores conditional-write headers). */
class JobFenceTest {

    private final ImageStore store = FleetStorage.freshStore("fence");
    private final JobFence fence = new JobFence(store, Clock.systemUTC());
    private final String jobId = UUID.randomUUID().toString();

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aSecondClaimSupersedesTheFirstAndTheFirstsLateWritesAreRefused() {
        OwnerToken stale = fence.claim(jobId, "worker-a");
        String result = ObjectKeys.result(jobId, "png");
        fence.put(stale, ObjectKeys.checkpoint(jobId), new byte[]{1}, "application/octet-stream");

        OwnerToken owner = fence.claim(jobId, "worker-b");
        assertEquals(stale.attempt() + 1, owner.attempt());
        fence.put(owner, result, new byte[]{7, 7, 7}, "image/png");

        FencedWriteException refused = assertThrows(FencedWriteException.class,
                () -> fence.put(stale, result, new byte[]{6, 6}, "image/png"));
        assertEquals("worker-b", refused.current().workerId());
        assertThrows(FencedWriteException.class, () -> fence.delete(stale, ObjectKeys.checkpoint(jobId)));
        assertThrows(FencedWriteException.class, () -> fence.check(stale, "terminal event"));

        assertArrayEquals(new byte[]{7, 7, 7}, store.get(result), "the result object is unchanged");
        assertEquals(owner.token(), fence.writerToken(result).orElseThrow());
        assertTrue(store.exists(ObjectKeys.checkpoint(jobId)), "the stale attempt's delete did not happen");
        assertFalse(fence.isCurrent(stale));
        assertTrue(fence.isCurrent(owner));
    }

    @Test
    void theOwnerOfTheLatestClaimWritesAndDeletes() {
        OwnerToken owner = fence.claim(jobId, "worker-a");
        assertEquals(1, owner.attempt());
        fence.put(owner, ObjectKeys.checkpoint(jobId), new byte[]{3}, "application/octet-stream");
        fence.delete(owner, ObjectKeys.checkpoint(jobId));
        assertFalse(store.exists(ObjectKeys.checkpoint(jobId)));
        assertEquals(owner, fence.current(jobId).orElseThrow());
    }

    @Test
    void aFencedWriteOutsideTheJobsPrefixIsAProgrammingError() {
        OwnerToken owner = fence.claim(jobId, "worker-a");
        assertThrows(IllegalArgumentException.class,
                () -> fence.put(owner, ObjectKeys.checkpoint(UUID.randomUUID().toString()), new byte[]{1}, null));
    }
}
