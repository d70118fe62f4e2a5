package dev.ist.common.codec;

import dev.ist.common.job.ImageRef;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.JobRequest;
import dev.ist.common.job.StyleRef;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The optional request fingerprint travels on the topic and records written before it existed still decode. */
class JobRequestFingerprintCodecTest {

    private final JsonCodec codec = new JsonCodec();

    @Test
    void theFingerprintRoundTrips() throws Exception {
        ImageRef img = new ImageRef("c".repeat(64));
        JobRequest r = JobRequest.of("6f1c8a52-3d4e-4a6b-9c1d-2e3f4a5b6c7d", Instant.parse("2026-01-31T12:00:00Z"),
                img, List.of(new StyleRef(img, 1.0)), JobOptions.defaults(), "alice").withFingerprint("f".repeat(64));
        JobRequest back = codec.decodeRequest(codec.encode(r));
        assertEquals("f".repeat(64), back.fingerprint());
        assertEquals(r, back);
    }

    @Test
    void aRecordWithoutAFingerprintDecodesWithNone() throws Exception {
        String older = "{\"v\":1,\"jobId\":\"6f1c8a52-3d4e-4a6b-9c1d-2e3f4a5b6c7d\",\"submittedAt\":"
                + "\"2026-01-31T12:00:00Z\",\"content\":{\"sha256\":\"" + "c".repeat(64) + "\"},\"styles\":[{\"image\":"
                + "{\"sha256\":\"" + "c".repeat(64) + "\"},\"weight\":1.0}],\"owner\":\"alice\"}";
        JobRequest r = codec.decodeRequest(older.getBytes(StandardCharsets.UTF_8));
        assertNull(r.fingerprint());
        assertFalse(codec.encodeToString(r).contains("fingerprint"), "absent stays absent on the wire");
    }
}
