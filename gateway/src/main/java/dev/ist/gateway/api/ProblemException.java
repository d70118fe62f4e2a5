package dev.ist.gateway.api;

import dev.ist.common.job.FieldError;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A refusal to be answered as a problem document. {@code reason} is the metric label of the refusal (see
 * {@code ist_gateway_refusals_total}); {@code retryAfterSeconds} > 0 adds a {@code Retry-After} header.
 */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String slug;
    private final String title;
    private final List<FieldError> errors;
    private final Map<String, Object> extensions;
    private final String reason;
    private long retryAfterSeconds;

    public ProblemException(int status, String slug, String title, String detail) {
        this(status, slug, title, detail, List.of(), null);
    }

    public ProblemException(int status, String slug, String title, String detail, List<FieldError> errors,
                            String reason) {
        super(detail);
        this.status = status;
        this.slug = slug;
        this.title = title;
        this.errors = errors;
        this.extensions = new LinkedHashMap<>();
        this.reason = reason;
    }

    public ProblemException with(String name, Object value) {
        extensions.put(name, value);
        return this;
    }

    public ProblemException retryAfter(long seconds) {
        this.retryAfterSeconds = Math.max(1, seconds);
        return this;
    }

    public int status() {
        return status;
    }

    /** The metric label for refusals, or null for answers that are not refusals of a submission. */
    public String reason() {
        return reason;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public Problem toProblem(String instance) {
        return new Problem("urn:ist:problem:" + slug, title, status, getMessage(), instance, errors, extensions);
    }

    // ---- the refusals the API makes, in one place so types and titles stay consistent ----

    public static ProblemException notFound(String jobId) {
        return new ProblemException(404, "job-not-found", "Job not found",
                "no job " + jobId + " is visible to this caller");
    }

    public static ProblemException invalid(String detail, List<FieldError> errors, String reason) {
        ProblemException p = new ProblemException(422, "invalid-request", "The request is invalid", detail, errors,
                reason);
        if (errors.size() == 1) {
            p.with("field", errors.get(0).field());
        }
        return p;
    }

    /** A query parameter or header the API cannot use (not a refused submission, so not counted as one). */
    public static ProblemException badParameter(String field, String message) {
        return new ProblemException(400, "malformed-request", "The request could not be read",
                field + ": " + message, List.of(new dev.ist.common.job.FieldError(field, message)), null)
                .with("field", field);
    }

    public static ProblemException notReady() {
        return new ProblemException(503, "not-ready", "The gateway is starting",
                "the job store is still reading the event history; retry shortly").retryAfter(2);
    }

    public static ProblemException malformed(String field, String message) {
        return new ProblemException(400, "malformed-request", "The request could not be read",
                field + ": " + message, List.of(new dev.ist.common.job.FieldError(field, message)), "malformed")
                .with("field", field);
    }
}
