package dev.ist.common.job;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A style-transfer job as published on the jobs topic (key = {@code jobId}).
 *
 * @param v           schema version, {@link #SCHEMA_VERSION}
 * @param jobId       UUID chosen by the gateway
 * @param submittedAt when the gateway accepted it (queue wait is measured from here)
 * @param content     the content photo
 * @param styles      one or more style images with blend weights
 * @param options     tuning; never null after decoding (defaults filled in)
 * @param owner       opaque id of the submitting principal (never an API key)
 * @param fingerprint optional: hash of the inputs and options the gateway accepted, which binds an Idempotency-Key
 *                    to one payload across restarts; absent in records written before it existed
 */
public record JobRequest(
        int v,
        String jobId,
        Instant submittedAt,
        ImageRef content,
        List<StyleRef> styles,
        JobOptions options,
        String owner,
        String fingerprint) {

    public static final int SCHEMA_VERSION = 1;

    public JobRequest {
        // unmodifiable but null-tolerant: a null entry from JSON must reach JobValidator ("styles[1]: is null"),
        // not fail construction with a bare NullPointerException
        styles = styles == null ? null : Collections.unmodifiableList(new ArrayList<>(styles));
    }

    public static JobRequest of(String jobId, Instant submittedAt, ImageRef content, List<StyleRef> styles,
                                JobOptions options, String owner) {
        return new JobRequest(SCHEMA_VERSION, jobId, submittedAt, content, styles, options, owner, null);
    }

    public JobRequest withFingerprint(String value) {
        return new JobRequest(v, jobId, submittedAt, content, styles, options, owner, value);
    }
}
