package dev.ist.gateway.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.ist.common.event.Failure;
import dev.ist.common.event.Losses;
import dev.ist.common.event.NetworkInfo;
import dev.ist.common.event.Progress;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.StyleRef;
import dev.ist.gateway.store.JobSnapshot;
import dev.ist.gateway.store.QueueEstimator;
import dev.ist.gateway.store.JobState;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A job as the API shows it.
 *
 * @param id              the job id
 * @param status          QUEUED, RUNNING, SUCCEEDED, FAILED or CANCELLED
 * @param cancelRequested a cancel was requested and the worker has not answered it yet (or just did)
 * @param lastSeq         sequence number of the latest event (the SSE id)
 * @param progress        iteration/total, scale, size, loss terms, elapsed time of the latest progress report
 * @param losses          the latest loss terms (also inside progress)
 * @param timingsMs       per-phase timings reported by the worker
 * @param failure         FAILED: machine code and human message; CANCELLED: the reason if any
 * @param deadline        when the job is cancelled (reason {@code deadline}) unless it has finished; absent: none
 * @param priority        the queue lane: {@code high}, {@code normal} or {@code low}
 * @param pool            the worker pool the job waits or runs in (a worker that could not fit it may have moved it)
 * @param queue           QUEUED: {@code position} (1 = next) and {@code etaSeconds} (see {@link QueueEstimator})
 * @param etaSeconds      RUNNING: seconds left at the job's iteration rate so far
 * @param dataRemoved     true when the storage janitor deleted the finished job's result and previews (absent: not)
 * @param network         the network the job ran with once the worker reports it: {@code weights}, {@code sha256},
 *                        {@code random} (true: a seeded random network, so the result is no real style transfer)
 * @param links           where to follow the job: self, events, cancel, preview (once one exists), result (once done)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobResponse(
        String id,
        JobState status,
        boolean cancelRequested,
        Instant submittedAt,
        Instant updatedAt,
        long lastSeq,
        String workerId,
        Progress progress,
        Losses losses,
        Map<String, Long> timingsMs,
        Failure failure,
        String content,
        List<StyleRef> styles,
        JobOptions options,
        Instant deadline,
        String priority,
        String pool,
        QueueEstimator.Queue queue,
        Long etaSeconds,
        Boolean dataRemoved,
        NetworkInfo network,
        Map<String, String> links) {

    /** The same job, marked as one whose objects were removed after the retention period. */
    public JobResponse withDataRemoved() {
        return new JobResponse(id, status, cancelRequested, submittedAt, updatedAt, lastSeq, workerId, progress, losses,
                timingsMs, failure, content, styles, options, deadline, priority, pool, queue, etaSeconds, true, network,
                links);
    }

    public static JobResponse of(JobSnapshot s) {
        return of(s, null);
    }

    /** With the queue position and ETAs from {@code estimator} (null: none shown). */
    public static JobResponse of(JobSnapshot s, QueueEstimator estimator) {
        String self = "/v1/jobs/" + s.jobId();
        Map<String, String> links = new java.util.LinkedHashMap<>();
        links.put("self", self);
        links.put("events", self + "/events");
        if (!s.state().isTerminal()) {
            links.put("cancel", self);
        }
        if (s.previewKey() != null) {
            links.put("preview", self + "/preview");
        }
        if (s.resultKey() != null) {
            links.put("result", self + "/result");
        }
        return new JobResponse(s.jobId(), s.state(), s.cancelRequested(), s.request().submittedAt(), s.updatedAt(),
                s.lastSeq(), s.workerId(), s.progress(), s.progress() == null ? null : s.progress().losses(),
                s.timingsMs().isEmpty() ? null : s.timingsMs(), s.failure(), s.request().content().sha256(),
                s.request().styles(), s.request().options(), s.request().deadline(),
                s.request().lane().name().toLowerCase(java.util.Locale.ROOT), s.request().workerPool(),
                estimator == null ? null : estimator.queue(s), QueueEstimator.runningEta(s), null, s.network(),
                links);
    }
}
