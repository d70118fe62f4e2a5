package dev.ist.common.event;

import dev.ist.common.codec.JsonCodec;
import dev.ist.common.storage.ImageStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dead letters stay small whatever the record was. */
class DeadLetterTest {

    private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void aHugeValueKeepsOnlyAnExcerptWithItsSizeAndHash() throws Exception {
        byte[] value = random(900 * 1024);
        DeadLetter d = DeadLetter.of(null, "ist.jobs", 2, 41, AT, "w", ErrorCode.MALFORMED_MESSAGE, "junk", value);
        assertEquals(DeadLetter.SCHEMA_VERSION, d.v());
        assertArrayEquals(Arrays.copyOf(value, DeadLetter.EXCERPT_BYTES), Base64.getDecoder().decode(d.payloadBase64()));
        assertEquals(value.length, d.payloadBytes());
        assertEquals(ImageStore.sha256Hex(value), d.payloadSha256());
        assertTrue(d.truncated());
        assertEquals("2:41", d.sourceId());
        byte[] json = JsonCodec.shared().encode(d);
        assertTrue(json.length < 8 * 1024, "encoded letter " + json.length + " bytes");
        assertEquals(d, JsonCodec.shared().decodeDeadLetter(json));
    }

    @Test
    void thePreExcerptConstructorBoundsTheWholePayloadItIsGiven() {
        byte[] value = random(20_000);
        DeadLetter d = new DeadLetter(DeadLetter.SCHEMA_VERSION, null, "ist.jobs", 0, 1, AT, "w",
                ErrorCode.MALFORMED_MESSAGE, "x".repeat(10_000), Base64.getEncoder().encodeToString(value));
        assertEquals(DeadLetter.EXCERPT_BYTES, Base64.getDecoder().decode(d.payloadBase64()).length);
        assertEquals(20_000, d.payloadBytes());
        assertEquals(ImageStore.sha256Hex(value), d.payloadSha256());
        assertEquals(DeadLetter.MAX_REASON_CHARS, d.reason().length());
    }

    @Test
    void aNullValueIsRecordedAsSuch() {
        DeadLetter d = DeadLetter.of("6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b", "ist.jobs", 0, 3, AT, "w",
                ErrorCode.MALFORMED_MESSAGE, "empty payload", null);
        assertEquals("", d.payloadBase64());
        assertEquals(0, d.payloadBytes());
        assertNull(d.payloadSha256());
        assertFalse(d.truncated());
    }

    @Test
    void withoutExcerptKeepsTheFactsOnly() {
        DeadLetter d = DeadLetter.of(null, "ist.jobs", 0, 3, AT, "w", ErrorCode.MALFORMED_MESSAGE, "r",
                random(5000)).withoutExcerpt();
        assertEquals("", d.payloadBase64());
        assertEquals(5000, d.payloadBytes());
        assertTrue(d.truncated());
    }
}
