package dev.ist.gateway.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every problem {@code type} the API answers with ({@code urn:ist:problem:<slug>}), with its status and meaning: the
 * list {@code /q/openapi} documents as the Problem schema's {@code type} enumeration. A new refusal adds its slug here,
 * or the contract test that validates real answers against the document fails.
 */
public final class ProblemTypes {

    public static final String PREFIX = "urn:ist:problem:";

    /** slug → "status: meaning". */
    public static final Map<String, String> ALL;

    static {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("malformed-request", "400: the body, a header or a parameter cannot be read (field names it)");
        m.put("unreadable-body", "400: the request body broke off while it was read");
        m.put("unauthorized", "401: no API key, or an unknown one (X-Api-Key)");
        m.put("forbidden", "403: the key may not do this (model uploads: ist.gateway.model-admins)");
        m.put("priority-not-allowed", "403: the priority is above what this key may use (field: priority, maxPriority)");
        m.put("cross-origin-refused", "403: an anonymous request from another origin");
        m.put("job-not-found", "404: no such job for this caller (another caller's job reads the same)");
        m.put("unknown-image", "404: a referenced image (field.sha256) was not uploaded by this key");
        m.put("no-preview", "404: the job has not reported a preview yet");
        m.put("object-missing", "404: an image the job reported is no longer in storage");
        m.put("model-not-found", "404: no registered model of this name");
        m.put("no-result", "409: the job has no result (yet); status says where it is");
        m.put("no-webhook", "409: the job was submitted without a webhook");
        m.put("data-removed", "410: the job finished longer ago than ist.retention.job-objects; its images are gone");
        m.put("too-many-bytes", "413: an image or the body is over its byte limit (field, limit, actual)");
        m.put("unsupported-image-type", "415: an image is not PNG or JPEG by its content (field, accepted)");
        m.put("invalid-request", "422: invalid options or fields; errors[] names each (field, message)");
        m.put("too-many-pixels", "422: an image's header claims more than ist.limits.max-input-pixels (field, limit)");
        m.put("corrupt-image", "422: an image (or mask) does not decode (field)");
        m.put("too-many-styles", "422: more than ist.limits.max-styles style images (limit)");
        m.put("invalid-mask", "422: a mask part is not an image (field: styles[i].mask, styles[i].styleMask, "
                + "options.contentMask)");
        m.put("mask-aspect-ratio", "422: a mask's aspect ratio is not within 10 % of what it covers (field, maskSize, "
                + "expectedAspect)");
        m.put("too-large-for-fleet", "422: no advertised worker class can fit the job (largestFittingSize, classes)");
        m.put("idempotency-key-reused", "422: the Idempotency-Key was used for another request");
        m.put("invalid-model", "422: an uploaded network is not ONNX of the expected shape, or does not run");
        m.put("rate-limited", "429: the key's per-minute budget is spent (limit; Retry-After)");
        m.put("too-many-jobs-in-flight", "429: the key has its maximum of unfinished jobs (limit; Retry-After)");
        m.put("too-many-streams", "429: the key has its maximum of open event streams (limit)");
        m.put("internal-error", "500: an unexpected error; errorId ties it to the gateway's log");
        m.put("not-ready", "503: the gateway's projector is still reading the topics' history (Retry-After)");
        m.put("database-unavailable", "503: the job database is unreachable (dependency: database; Retry-After)");
        m.put("too-many-uploads", "503: too many uploads or decodes in progress (Retry-After)");
        m.put("broker-unavailable", "503: Kafka is unreachable; nothing was accepted (Retry-After)");
        m.put("storage-unavailable", "503: image storage is unreachable; nothing was accepted (Retry-After)");
        for (int status : new int[] {400, 404, 405, 406, 415}) {
            m.put("http-" + status, status + ": refused by the HTTP layer before the API (e.g. an unknown path, "
                    + "method or media type)");
        }
        ALL = java.util.Collections.unmodifiableMap(m);
    }

    private ProblemTypes() {
    }
}
