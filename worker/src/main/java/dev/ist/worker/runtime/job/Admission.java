package dev.ist.worker.runtime.job;

import dev.ist.common.ObjectKeys;
import dev.ist.common.codec.InvalidMessageException;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.ErrorCode;
import dev.ist.common.event.JobEvent;
import dev.ist.common.job.FieldError;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.JobValidator;
import dev.ist.common.storage.StorageException;
import dev.ist.worker.runtime.fleet.FencedWriteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The first stage of a job: may this message run? It decodes and re-validates the request (the gateway's checks
 * again: a message may come from anywhere), looks for the terminal marker of an earlier attempt (then the job is
 * replayed, not rerun), waits for the control topic to be read up to now and checks for a cancel (the control
 * topic's memory, then the durable cancel marker, which outlives that memory), and looks at the stop flags. Its one
 * write is last: the claim ({@link JobOwnership#claim}), which fences off every earlier attempt and counts this one;
 * a job that has killed its workers {@code max-job-attempts} times is refused with {@code CRASH_LOOP}. What a
 * {@link Decision} leads to is the runner's business.
 */
final class Admission {

    private static final Logger LOG = LoggerFactory.getLogger(Admission.class);

    /** What admission decided about one message. */
    sealed interface Decision permits Admitted, Rejected, Replay, CancelledWhileQueued, Abandoned, StorageDown {
    }

    /** Run it. */
    record Admitted() implements Decision {
    }

    /** It can never run: FAILED (and a dead letter); {@code undecodable} when there is not even a request. */
    record Rejected(ErrorCode code, String message, boolean undecodable) implements Decision {
    }

    /** An earlier attempt finished it: publish its stored terminal event again. */
    record Replay(JobEvent terminal) implements Decision {
    }

    /** Cancelled before it started: CANCELLED without running. */
    record CancelledWhileQueued(String reason) implements Decision {
    }

    /** The worker is giving the job up before it started: no event, no commit. */
    record Abandoned(String reason) implements Decision {
    }

    /** Storage did not answer the marker check within the retry budget. */
    record StorageDown(StorageException cause) implements Decision {
    }

    private final JsonCodec codec = JsonCodec.shared();
    private final JobValidator validator;
    private final JobObjects objects;
    private final StorageRetry retry;
    private final Runnable controlSync;
    private final Predicate<String> cancelled;
    private final JobOwnership ownership;
    private final int maxJobAttempts;

    /**
     * @param controlSync    blocks until the control topic has been read up to now (bounded), before a job starts
     * @param cancelled      whether a cancel for a job id was seen
     * @param maxJobAttempts crashed attempts after which a job is FAILED CRASH_LOOP
     */
    Admission(JobValidator validator, JobObjects objects, StorageRetry retry, Runnable controlSync,
              Predicate<String> cancelled, JobOwnership ownership, int maxJobAttempts) {
        this.validator = validator;
        this.objects = objects;
        this.retry = retry;
        this.controlSync = controlSync;
        this.cancelled = cancelled;
        this.ownership = ownership;
        this.maxJobAttempts = maxJobAttempts;
    }

    /** Decides, filling in {@code job.request}, {@code job.jobId} and {@code job.terminalSeq} as they become known. */
    Decision admit(JobContext job) {
        try {
            job.request = codec.decodeRequest(job.record.value());
        } catch (InvalidMessageException e) {
            return new Rejected(e.code(), "malformed job request: " + e.getMessage(), true);
        }
        if (!ObjectKeys.isJobId(job.request.jobId())) {
            return new Rejected(ErrorCode.INVALID_REQUEST, "jobId must be a UUID", true);
        }
        job.jobId = job.request.jobId();
        JobOptions options = job.request.options();
        job.terminalSeq = EventSeq.terminal(options == null ? 0 : options.iterations());
        List<FieldError> errors = validator.validate(job.request);
        if (!errors.isEmpty()) {
            return new Rejected(ErrorCode.INVALID_REQUEST, "request refused: "
                    + errors.stream().map(FieldError::toString).collect(Collectors.joining("; ")), false);
        }
        try {
            Optional<JobEvent> done = retry.call(job.jobId, job.control, "check for an earlier result",
                    () -> objects.terminal(job.jobId));
            if (done.isPresent()) {
                LOG.info("job {} already finished ({}); re-publishing its terminal event", job.jobId,
                        done.get().type());
                return new Replay(done.get());
            }
        } catch (StorageException e) {
            return new StorageDown(e);
        } catch (JobFailure f) {
            return new Rejected(f.code(), f.getMessage(), false);
        }
        long syncStart = System.nanoTime();
        controlSync.run();
        LOG.info("job {} picked up {} ms after submission (partition {} offset {}); checks took {} ms, control sync {} ms",
                job.jobId, Duration.between(job.request.submittedAt(), job.receivedAt).toMillis(),
                job.record.partition(), job.record.offset(), (syncStart - job.receivedNanos) / 1_000_000,
                (System.nanoTime() - syncStart) / 1_000_000);
        if (cancelled.test(job.jobId)) {
            LOG.info("job {} was cancelled before it started; skipping it", job.jobId);
            return new CancelledWhileQueued("cancelled before it started");
        }
        try {
            if (retry.call(job.jobId, job.control, "check for a cancel marker",
                    () -> ownership.cancelRecorded(job.jobId))) {
                LOG.info("job {} has a cancel marker; skipping it", job.jobId);
                return new CancelledWhileQueued("cancelled before it started");
            }
        } catch (StorageException e) {
            return new StorageDown(e);
        } catch (JobFailure f) {
            return new Rejected(f.code(), f.getMessage(), false);
        }
        if (job.control.mustAbandon()) {
            return new Abandoned("stopping before the job started");
        }
        JobOwnership.Attempt attempt;
        try {
            attempt = retry.call(job.jobId, job.control, "claim the job", () -> ownership.claim(job.jobId));
        } catch (StorageException e) {
            return new StorageDown(e);
        } catch (JobFailure f) {
            return new Rejected(f.code(), f.getMessage(), false);
        } catch (FencedWriteException e) {
            return new Abandoned("another attempt claimed the job at the same time: " + e.getMessage());
        }
        job.claimed = true;
        if (attempt.crashed() >= maxJobAttempts) {
            return new Rejected(ErrorCode.CRASH_LOOP, attempt.summary(), false);
        }
        return new Admitted();
    }
}
