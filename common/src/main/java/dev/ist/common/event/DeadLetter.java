package dev.ist.common.event;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A record of the jobs topic that can never succeed, with why. The letter is bounded whatever the record was: it
 * carries the first {@value #EXCERPT_BYTES} bytes of the value (base64) plus its size and SHA-256, so a record of any
 * size fits on the dead-letter topic (a letter embedding a 900 kB payload did not, and looped forever). The full
 * original stays on the source topic at {@code sourceTopic/partition/offset} for as long as that topic retains it;
 * {@code ist dlq replay} re-reads it from there.
 *
 * @param jobId         the job id when it could be read (the record key), else null
 * @param sourceTopic   topic, partition and offset the record came from
 * @param reason        why, at most {@value #MAX_REASON_CHARS} characters
 * @param payloadBase64 the first {@value #EXCERPT_BYTES} bytes of the record value, base64 ("" for a null value)
 * @param payloadBytes  the size of the whole record value (0 for a null value)
 * @param payloadSha256 SHA-256 (hex) of the whole record value; null when the value was null (a tombstone)
 * @param truncated     whether {@code payloadBase64} is only an excerpt
 */
public record DeadLetter(int v, String jobId, String sourceTopic, int partition, long offset, Instant at,
                         String workerId, ErrorCode code, String reason, String payloadBase64, long payloadBytes,
                         String payloadSha256, boolean truncated) {

    /** 2: the payload is an excerpt with size and hash (1 embedded the whole payload). */
    public static final int SCHEMA_VERSION = 2;
    public static final int EXCERPT_BYTES = 4096;
    public static final int MAX_REASON_CHARS = 2000;

    public DeadLetter {
        if (reason != null && reason.length() > MAX_REASON_CHARS) {
            reason = reason.substring(0, MAX_REASON_CHARS - 1) + "…";
        }
        if (payloadBase64 == null) {
            payloadBase64 = "";
        }
        int maxChars = 4 * ((EXCERPT_BYTES + 2) / 3);
        if (payloadBase64.length() > maxChars) {
            // a caller handed in more than an excerpt: bound it here so no letter can outgrow the topic
            payloadBase64 = Base64.getEncoder().encodeToString(
                    Arrays.copyOf(Base64.getDecoder().decode(payloadBase64), EXCERPT_BYTES));
            truncated = true;
        }
    }

    /**
     * The pre-excerpt shape (the whole value, base64): kept so existing callers stay unchanged; the value is decoded
     * once and bounded.
     */
    public DeadLetter(int v, String jobId, String sourceTopic, int partition, long offset, Instant at,
                      String workerId, ErrorCode code, String reason, String wholePayloadBase64) {
        this(of(jobId, sourceTopic, partition, offset, at, workerId, code, reason,
                wholePayloadBase64 == null ? null : Base64.getDecoder().decode(wholePayloadBase64)), v);
    }

    private DeadLetter(DeadLetter d, int v) {
        this(v, d.jobId, d.sourceTopic, d.partition, d.offset, d.at, d.workerId, d.code, d.reason, d.payloadBase64,
                d.payloadBytes, d.payloadSha256, d.truncated);
    }

    /** A bounded letter for a record value of any size ({@code value} may be null: a tombstone). */
    public static DeadLetter of(String jobId, String sourceTopic, int partition, long offset, Instant at,
                                String workerId, ErrorCode code, String reason, byte[] value) {
        if (value == null) {
            return new DeadLetter(SCHEMA_VERSION, jobId, sourceTopic, partition, offset, at, workerId, code, reason,
                    "", 0, null, false);
        }
        boolean truncated = value.length > EXCERPT_BYTES;
        byte[] excerpt = truncated ? Arrays.copyOf(value, EXCERPT_BYTES) : value;
        return new DeadLetter(SCHEMA_VERSION, jobId, sourceTopic, partition, offset, at, workerId, code, reason,
                Base64.getEncoder().encodeToString(excerpt), value.length, sha256Hex(value), truncated);
    }

    /** This letter without the excerpt: the last resort when the dead-letter topic refuses even a bounded letter. */
    public DeadLetter withoutExcerpt() {
        return new DeadLetter(v, jobId, sourceTopic, partition, offset, at, workerId, code,
                reason == null ? null : reason.substring(0, Math.min(reason.length(), 200)), "", payloadBytes,
                payloadSha256, payloadBytes > 0);
    }

    /** {@code partition:offset}, the id operators use with {@code ist dlq}. */
    public String sourceId() {
        return partition + ":" + offset;
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JVM", e);
        }
    }
}
