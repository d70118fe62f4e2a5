package dev.ist.worker.runtime.job;

import dev.ist.common.job.JobRequest;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** One job's bookkeeping while the stages handle it: the message, the stop flags, what is known so far, timings. */
final class JobContext {

    final JobMessage record;
    final JobControl control;
    final long receivedNanos = System.nanoTime();
    final Instant receivedAt;
    /** Phase durations in ms, in the order they happened (for the RUNNING event, the manifest and FAILED events). */
    final Map<String, Long> timings = new LinkedHashMap<>();
    /** Null until the message decoded to a request with a valid job id (or its key names one). */
    String jobId;
    JobRequest request;
    /** The sequence number of this job's one terminal event. */
    long terminalSeq = EventSeq.terminal(0);
    Long runningSinceNanos;
    /** Admission claimed the job: its writes are fenced and its attempt is counted. */
    boolean claimed;

    JobContext(JobMessage record, JobControl control, Instant receivedAt) {
        this.record = record;
        this.control = control;
        this.receivedAt = receivedAt;
    }

    /** How long the job has been running (null before RUNNING was published). */
    Duration runTime() {
        return runningSinceNanos == null ? null : Duration.ofNanos(System.nanoTime() - runningSinceNanos);
    }

    Map<String, Long> timingsWithTotal() {
        Map<String, Long> t = new LinkedHashMap<>(timings);
        t.put("total", (System.nanoTime() - receivedNanos) / 1_000_000);
        return t;
    }
}
