package dev.ist.gateway.store;

import dev.ist.common.event.Failure;
import dev.ist.common.event.NetworkInfo;
import dev.ist.common.event.Progress;
import dev.ist.common.job.JobRequest;

import java.time.Instant;
import java.util.Map;

/**
 * An immutable picture of one job as the materialised view knows it.
 *
 * @param request         the request as published on the jobs topic
 * @param state           lifecycle state derived from the events
 * @param lastSeq         highest event sequence number applied, -1 when no event is known yet
 * @param updatedAt       time of the latest event (submission time before any)
 * @param progress        the latest progress reported, or null
 * @param previewKey      object key of the latest preview, or null
 * @param resultKey       SUCCEEDED: the result object
 * @param failure         FAILED/CANCELLED: why
 * @param timingsMs       per-phase timings from the events (merged)
 * @param cancelRequested a cancel was published on the control topic
 * @param workerId        the worker that last reported, or null
 * @param network         the network the job ran with, as the worker last reported it (null until it does)
 */
public record JobSnapshot(
        JobRequest request,
        JobState state,
        long lastSeq,
        Instant updatedAt,
        Progress progress,
        String previewKey,
        String resultKey,
        Failure failure,
        Map<String, Long> timingsMs,
        boolean cancelRequested,
        String workerId,
        NetworkInfo network) {

    public String jobId() {
        return request.jobId();
    }

    public String owner() {
        return request.owner();
    }
}
