package dev.ist.common.storage;

import dev.ist.testkit.S3Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Conditional puts and the input "touch" against the real S3 server of the tests (S3Proxy 2.6.0). */
class ConditionalAndTouchTest {

    private final S3Server s3 = S3Server.shared();
    private final ImageStore store = new ImageStore(StorageConfig.of(s3.endpoint(), s3.accessKey(), s3.secretKey(),
            "touch-" + UUID.randomUUID().toString().substring(0, 8)));

    {
        store.ensureBucket();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void reUploadingAnInputRestartsItsAgeAndKeepsItsBytesAndType() throws Exception {
        byte[] bytes = {9, 8, 7};
        StoredObject first = store.putContentAddressed(bytes, "image/png");
        Instant before = store.stat(first.key()).orElseThrow().lastModified();
        Thread.sleep(1100); // Last-Modified has one-second resolution
        StoredObject again = store.putContentAddressed(bytes, "image/png");
        assertFalse(again.created());
        StoredObject now = store.stat(first.key()).orElseThrow();
        assertTrue(now.lastModified().isAfter(before), before + " -> " + now.lastModified());
        assertArrayEquals(bytes, store.get(first.key()));
        assertEquals("image/png", now.contentType());
    }

    @Test
    void conditionalPutsReturnTheNewEtag() {
        // S3Proxy 2.6.0 ignores If-None-Match / If-Match on PUT (the fence in the worker does not rely on them);
        // what must hold everywhere is that the write happens and reports its ETag
        String etag = store.putIfAbsent("jobs/x/owner", new byte[]{1}, "application/json");
        assertEquals(etag.replace("\"", ""), store.stat("jobs/x/owner").orElseThrow().etag().replace("\"", ""));
        String next = store.putIfMatch("jobs/x/owner", new byte[]{2}, "application/json", etag);
        assertArrayEquals(new byte[]{2}, store.get("jobs/x/owner"));
        assertFalse(next.equals(etag));
    }
}
