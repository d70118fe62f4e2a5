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
 * @param webhook     optional: where to POST the job object on its lifecycle events (absent: no webhook)
 * @param deadline    optional: a job not finished by then ends CANCELLED with reason {@code deadline}
 * @param priority    the queue lane; null (records written before lanes existed) = {@link Priority#NORMAL}
 * @param pool        the worker pool the gateway routed the job to (see {@link dev.ist.common.capacity.WorkerPool});
 *                    null (records written before pools existed) = the default pool
 * @param quotedSeconds optional: the run time the gateway quoted at admission for that pool (the capacity model's
 *                    {@code Estimate.seconds}); every replica's queue ETA adds up the quotes of the jobs ahead, scaled
 *                    by how the fleet's finished jobs compared with theirs. Null when not quoted (fast jobs)
 */
public record JobRequest(
        int v,
        String jobId,
        Instant submittedAt,
        ImageRef content,
        List<StyleRef> styles,
        JobOptions options,
        String owner,
        String fingerprint,
        WebhookSpec webhook,
        Instant deadline,
        Priority priority,
        String pool,
        Double quotedSeconds) {

    public static final int SCHEMA_VERSION = 1;

    /** The CANCELLED reason of a job that reached its {@link #deadline()} unfinished (and the cancel's requester). */
    public static final String DEADLINE_REASON = "deadline";

    public JobRequest {
        // unmodifiable but null-tolerant: a null entry from JSON must reach JobValidator ("styles[1]: is null"),
        // not fail construction with a bare NullPointerException
        styles = styles == null ? null : Collections.unmodifiableList(new ArrayList<>(styles));
    }

    public static JobRequest of(String jobId, Instant submittedAt, ImageRef content, List<StyleRef> styles,
                                JobOptions options, String owner) {
        return new JobRequest(SCHEMA_VERSION, jobId, submittedAt, content, styles, options, owner, null, null, null, null,
                null, null);
    }

    public JobRequest withFingerprint(String value) {
        return new JobRequest(v, jobId, submittedAt, content, styles, options, owner, value, webhook, deadline,
                priority, pool, quotedSeconds);
    }

    public JobRequest withWebhook(WebhookSpec value) {
        return new JobRequest(v, jobId, submittedAt, content, styles, options, owner, fingerprint, value, deadline,
                priority, pool, quotedSeconds);
    }

    public JobRequest withDeadline(Instant value) {
        return new JobRequest(v, jobId, submittedAt, content, styles, options, owner, fingerprint, webhook, value,
                priority, pool, quotedSeconds);
    }

    public JobRequest withPriority(Priority value) {
        return new JobRequest(v, jobId, submittedAt, content, styles, options, owner, fingerprint, webhook, deadline,
                value, pool, quotedSeconds);
    }

    public JobRequest withPool(String value) {
        return new JobRequest(v, jobId, submittedAt, content, styles, options, owner, fingerprint, webhook, deadline,
                priority, value, quotedSeconds);
    }

    public JobRequest withQuotedSeconds(Double value) {
        return new JobRequest(v, jobId, submittedAt, content, styles, options, owner, fingerprint, webhook, deadline,
                priority, pool, value);
    }

    /** The lane this job runs in ({@link Priority#NORMAL} when the record names none). */
    public Priority lane() {
        return priority == null ? Priority.NORMAL : priority;
    }

    /** The pool this job runs in ({@link dev.ist.common.capacity.WorkerPool#DEFAULT} when the record names none). */
    public String workerPool() {
        return dev.ist.common.capacity.WorkerPool.orDefault(pool);
    }

    /** Whether the request carries a deadline that has passed at {@code now}. */
    public boolean pastDeadline(Instant now) {
        return deadline != null && !now.isBefore(deadline);
    }
}
