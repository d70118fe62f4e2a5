package dev.ist.worker.runtime.job;

import dev.ist.common.ObjectKeys;
import dev.ist.common.event.DeadLetter;
import dev.ist.common.event.ErrorCode;
import dev.ist.common.event.Failure;
import dev.ist.common.event.JobEvent;
import dev.ist.common.storage.StorageException;
import dev.ist.worker.runtime.fleet.FencedWriteException;
import dev.ist.worker.runtime.kafka.EventPublisher.PublishException;
import dev.ist.worker.runtime.kafka.PublishedEvents;
import dev.ist.worker.runtime.metrics.WorkerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;

/**
 * Ends a job with its one terminal event and decides the offset: COMMIT once the event (and the dead letter of a
 * permanent failure) is acknowledged, REDELIVER when it is not (the terminal marker makes the redelivery a replay),
 * ABANDON when the job is no longer ours — the partition moved, or storage says another attempt claimed the job (the
 * owner check right before the event). The marker of a FAILED or CANCELLED job is stored best effort; a SUCCEEDED
 * job's marker is stored by the completion stage before it gets here. Once a terminal event is acknowledged the
 * job's checkpoint is deleted, whatever the outcome.
 */
final class TerminalPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(TerminalPublisher.class);

    private final JobEvents events;
    private final JobObjects objects;
    private final WorkerMetrics metrics;
    private final Clock clock;
    private final String workerId;
    private final JobOwnership ownership;
    private final StorageRetry retry;

    TerminalPublisher(JobEvents events, JobObjects objects, WorkerMetrics metrics, Clock clock, String workerId,
                      JobOwnership ownership, StorageRetry retry) {
        this.ownership = ownership;
        this.retry = retry;
        this.events = events;
        this.objects = objects;
        this.metrics = metrics;
        this.clock = clock;
        this.workerId = workerId;
    }

    /** FAILED event, plus a dead letter when the code is permanent (a redelivery could never succeed). */
    JobOutcome fail(JobContext job, ErrorCode code, String message) {
        LOG.warn("job {} failed: {} {}", job.jobId, code, message);
        JobEvent event = JobEvent.failed(job.jobId, job.terminalSeq, clock.instant(), workerId,
                new Failure(code, message), job.timingsWithTotal());
        try {
            saveMarkerBestEffort(event);
        } catch (FencedWriteException e) {
            return Completion.superseded(job, e); // no dead letter either: the owner decides
        }
        if (code.isPermanent()) {
            try {
                deadLetter(job, code, message);
            } catch (PublishException e) {
                LOG.warn("dead letter of job {} not acknowledged: {}", job.jobId, e.getMessage());
                return JobOutcome.redeliver(e.getMessage());
            }
        }
        return publish(job, event, true);
    }

    /** Storage stayed down past the retry budget: FAILED, unless the job is stopping anyway (then the next owner tries). */
    JobOutcome storageFailure(JobContext job, StorageException e) {
        if (job.control.mustAbandon()) {
            return JobOutcome.abandon("stopping during a storage outage");
        }
        return fail(job, ErrorCode.STORAGE_UNAVAILABLE, "object storage unavailable: " + e.getMessage());
    }

    JobOutcome cancelled(JobContext job, String reason) {
        JobEvent event = JobEvent.cancelled(job.jobId, job.terminalSeq, clock.instant(), workerId, reason);
        try {
            saveMarkerBestEffort(event);
        } catch (FencedWriteException e) {
            return Completion.superseded(job, e);
        }
        return publish(job, event, true);
    }

    /** Not even a request: dead-letter it, and tell the job's watchers when the message key names a job. */
    JobOutcome rejectUndecodable(JobContext job, ErrorCode code, String message) {
        JobMessage r = job.record;
        job.jobId = ObjectKeys.isJobId(r.key()) ? r.key() : null;
        LOG.warn("message {}-{}@{} dead-lettered: {}", r.topic(), r.partition(), r.offset(), message);
        try {
            deadLetter(job, code, message);
        } catch (PublishException e) {
            return JobOutcome.redeliver(e.getMessage());
        }
        if (job.jobId == null) {
            return JobOutcome.commit("dead-lettered");
        }
        job.terminalSeq = EventSeq.terminal(0);
        JobEvent event = JobEvent.failed(job.jobId, job.terminalSeq, clock.instant(), workerId,
                new Failure(code, message), job.timingsWithTotal());
        return publish(job, event, true);
    }

    /**
     * Publishes the terminal event and waits for the acknowledgement; counts the outcome in the metrics when
     * {@code count} (not for a replayed event, which was counted by the attempt that made it).
     */
    JobOutcome publish(JobContext job, JobEvent event, boolean count) {
        if (job.control.isRevoked() || job.control.isHalted() || job.control.isSuperseded()) {
            return JobOutcome.abandon("partition revoked before the terminal event");
        }
        try {
            retry.run(event.jobId(), job.control, "check the job's owner",
                    () -> ownership.check(event.jobId(), "terminal event " + event.type()));
        } catch (FencedWriteException e) {
            return Completion.superseded(job, e);
        } catch (StorageException | JobFailure e) {
            // the marker is stored: a redelivery re-publishes it once storage answers
            LOG.warn("owner of job {} not confirmed before its terminal event: {}", event.jobId(), e.getMessage());
            return JobOutcome.redeliver("owner check failed: " + e.getMessage());
        }
        try {
            if (!count && events.isPublished(event)) {
                // the event was acknowledged but the offset commit was lost: a second copy would be a duplicate
                LOG.info("terminal event {} #{} of job {} is already on the events topic; committing", event.type(),
                        event.seq(), event.jobId());
                objects.deleteCheckpoint(event.jobId());
                return JobOutcome.commit("already published " + event.type() + " " + event.jobId());
            }
        } catch (PublishedEvents.LookupException e) {
            LOG.warn("could not tell whether the terminal event of job {} is published: {}", event.jobId(),
                    e.getMessage());
            return JobOutcome.redeliver("events topic look-up failed: " + e.getMessage());
        }
        try {
            events.publishAndWait(event);
        } catch (PublishException e) {
            LOG.warn("terminal event of job {} not acknowledged: {}", event.jobId(), e.getMessage());
            return JobOutcome.redeliver(e.getMessage());
        }
        if (count) {
            Duration run = job.runTime();
            switch (event.type()) {
                case SUCCEEDED -> metrics.succeeded(run == null ? Duration.ZERO : run);
                case CANCELLED -> metrics.cancelled(run);
                case FAILED -> metrics.failed(event.failure().code(), run);
                default -> { }
            }
        }
        objects.deleteCheckpoint(event.jobId());
        return JobOutcome.commit(event.type() + " " + event.jobId());
    }

    private void deadLetter(JobContext job, ErrorCode code, String reason) throws PublishException {
        JobMessage r = job.record;
        events.deadLetter(DeadLetter.of(job.jobId, r.topic(), r.partition(), r.offset(), clock.instant(), workerId,
                code, reason, r.value()));
        metrics.deadLetter(code);
    }

    private void saveMarkerBestEffort(JobEvent event) {
        try {
            objects.saveTerminal(event);
        } catch (FencedWriteException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.warn("terminal marker of job {} not stored ({}); a redelivery would run it again", event.jobId(),
                    e.getMessage());
        }
    }
}
