package dev.ist.common.codec;

import dev.ist.common.job.ImageRef;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.JobRequest;
import dev.ist.common.job.StyleRef;
import dev.ist.common.job.WebhookSpec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The optional webhook and deadline travel on the jobs topic; records written before they existed still decode. */
class JobRequestWebhookDeadlineCodecTest {

    private final JsonCodec codec = new JsonCodec();
    private final ImageRef img = new ImageRef("c".repeat(64));

    @Test
    void webhookAndDeadlineRoundTrip() throws Exception {
        JobRequest r = JobRequest.of("6f1c8a52-3d4e-4a6b-9c1d-2e3f4a5b6c7d", Instant.parse("2026-01-31T12:00:00Z"),
                        img, List.of(new StyleRef(img, 1.0)), JobOptions.defaults(), "alice")
                .withWebhook(new WebhookSpec("https://hooks.example/x", List.of("completed")))
                .withDeadline(Instant.parse("2026-01-31T12:05:00Z"));
        JobRequest back = codec.decodeRequest(codec.encode(r));
        assertEquals(r, back);
        assertTrue(back.webhook().wants(WebhookSpec.COMPLETED));
        assertFalse(back.webhook().wants(WebhookSpec.PROGRESS));
        assertTrue(back.pastDeadline(Instant.parse("2026-01-31T12:05:00Z")));
        assertFalse(back.pastDeadline(Instant.parse("2026-01-31T12:04:59Z")));
    }

    @Test
    void anOlderRecordHasNoWebhookAndNoDeadline() throws Exception {
        String older = "{\"v\":1,\"jobId\":\"6f1c8a52-3d4e-4a6b-9c1d-2e3f4a5b6c7d\",\"submittedAt\":"
                + "\"2026-01-31T12:00:00Z\",\"content\":{\"sha256\":\"" + "c".repeat(64) + "\"},\"styles\":[{\"image\":"
                + "{\"sha256\":\"" + "c".repeat(64) + "\"},\"weight\":1.0}],\"owner\":\"alice\"}";
        JobRequest r = codec.decodeRequest(older.getBytes(StandardCharsets.UTF_8));
        assertNull(r.webhook());
        assertNull(r.deadline());
        assertFalse(r.pastDeadline(Instant.now()));
        String wire = codec.encodeToString(r);
        assertFalse(wire.contains("webhook") || wire.contains("deadline"), "absent stays absent on the wire");
    }

    @Test
    void aWebhookWithoutEventsWantsAllOfThem() {
        WebhookSpec all = new WebhookSpec("https://hooks.example/x", null);
        for (String e : WebhookSpec.ALL) {
            assertTrue(all.wants(e), e);
        }
    }
}
