package dev.ist.common.event;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.time.Instant;
import java.util.Map;

/**
 * One state change or progress tick of a job on the events topic (key = {@code jobId}). Consumers apply events of a
 * job in {@code seq} order and ignore a {@code seq} they have already seen, which makes at-least-once delivery
 * effectively-once.
 *
 * @param v          schema version
 * @param jobId      the job
 * @param seq        per-job sequence number, starting at 0 for QUEUED; a re-published event keeps its number
 * @param at         when it happened
 * @param workerId   who published it ({@code gateway} for QUEUED)
 * @param type       lifecycle state or PROGRESS
 * @param progress   PROGRESS (and optionally RUNNING/terminal) details, else null
 * @param resultKey  SUCCEEDED: object key of the result image
 * @param manifestKey SUCCEEDED: object key of the manifest
 * @param failure    FAILED: code and message; CANCELLED: optional reason
 * @param timingsMs  terminal events: per-phase timings (queueWait, fetch, targets, optimise, store, total)
 * @param network    SUCCEEDED (optionally RUNNING): the network the job ran with, as its manifest records it; null
 *                   when not reported (older workers)
 */
public record JobEvent(
        int v,
        String jobId,
        long seq,
        Instant at,
        String workerId,
        EventType type,
        Progress progress,
        String resultKey,
        String manifestKey,
        Failure failure,
        Map<String, Long> timingsMs,
        NetworkInfo network) {

    public static final int SCHEMA_VERSION = 1;

    /** An event without a network report. */
    public JobEvent(int v, String jobId, long seq, Instant at, String workerId, EventType type, Progress progress,
                    String resultKey, String manifestKey, Failure failure, Map<String, Long> timingsMs) {
        this(v, jobId, seq, at, workerId, type, progress, resultKey, manifestKey, failure, timingsMs, null);
    }

    /** The same event with the network it ran with. */
    public JobEvent withNetwork(NetworkInfo n) {
        return new JobEvent(v, jobId, seq, at, workerId, type, progress, resultKey, manifestKey, failure, timingsMs, n);
    }

    public JobEvent {
        if (timingsMs != null) {
            for (Map.Entry<String, Long> t : timingsMs.entrySet()) {
                if (t.getKey() == null || t.getValue() == null) {
                    throw new IllegalArgumentException("timingsMs." + t.getKey() + " must be a number of milliseconds");
                }
            }
            timingsMs = Map.copyOf(timingsMs);
        }
    }

    /** Derived from {@link #type}; kept out of the JSON, where it would read back as an unknown field. */
    @JsonIgnore
    public boolean isTerminal() {
        return type != null && type.isTerminal();
    }

    public static JobEvent queued(String jobId, Instant at) {
        return new JobEvent(SCHEMA_VERSION, jobId, 0, at, "gateway", EventType.QUEUED, null, null, null, null, null);
    }

    public static JobEvent running(String jobId, long seq, Instant at, String workerId, Map<String, Long> timingsMs) {
        return new JobEvent(SCHEMA_VERSION, jobId, seq, at, workerId, EventType.RUNNING, null, null, null, null,
                timingsMs);
    }

    public static JobEvent progress(String jobId, long seq, Instant at, String workerId, Progress progress) {
        return new JobEvent(SCHEMA_VERSION, jobId, seq, at, workerId, EventType.PROGRESS, progress, null, null, null,
                null);
    }

    public static JobEvent succeeded(String jobId, long seq, Instant at, String workerId, Progress last,
                                     String resultKey, String manifestKey, Map<String, Long> timingsMs) {
        return new JobEvent(SCHEMA_VERSION, jobId, seq, at, workerId, EventType.SUCCEEDED, last, resultKey,
                manifestKey, null, timingsMs);
    }

    public static JobEvent failed(String jobId, long seq, Instant at, String workerId, Failure failure,
                                  Map<String, Long> timingsMs) {
        return new JobEvent(SCHEMA_VERSION, jobId, seq, at, workerId, EventType.FAILED, null, null, null, failure,
                timingsMs);
    }

    public static JobEvent cancelled(String jobId, long seq, Instant at, String workerId, String reason) {
        return new JobEvent(SCHEMA_VERSION, jobId, seq, at, workerId, EventType.CANCELLED, null, null, null,
                reason == null ? null : new Failure(null, reason), null);
    }
}
