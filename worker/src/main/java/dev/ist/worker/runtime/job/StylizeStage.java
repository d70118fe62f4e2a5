package dev.ist.worker.runtime.job;

import dev.ist.common.event.ErrorCode;
import dev.ist.common.event.JobEvent;
import dev.ist.common.job.JobMode;
import dev.ist.common.job.JobRequest;
import dev.ist.common.storage.StorageException;
import dev.ist.worker.engine.EngineException;
import dev.ist.worker.engine.EngineOutOfMemoryException;
import dev.ist.worker.engine.EngineState;
import dev.ist.worker.engine.ImageOps;
import dev.ist.worker.engine.InvalidImageException;
import dev.ist.worker.engine.InvalidSpecException;
import dev.ist.worker.engine.NonFiniteLossException;
import dev.ist.worker.engine.TransferCancelledException;
import dev.ist.worker.engine.TransferSpec;
import dev.ist.worker.engine.WeightsException;
import dev.ist.worker.runtime.metrics.WorkerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * The second stage of an admitted job: fetch its inputs and last checkpoint, let the job mode's {@link Stylizer}
 * check the options, announce RUNNING, and run it with progress, previews and checkpoints reported on the way. The
 * engine's exceptions become a {@link Result} with the job's error code; nothing terminal is published here. The
 * memory preflight ({@link JobMemoryCheck}) runs between {@code prepare} and the RUNNING event: a job that cannot
 * fit is forwarded to another worker pool that fits it ({@link JobForwarding}) or, when none does, FAILED
 * {@code TOO_LARGE_FOR_WORKER} before it starts; one that fits only with a shorter L-BFGS history runs with that
 * history.
 */
final class StylizeStage {

    private static final Logger LOG = LoggerFactory.getLogger(StylizeStage.class);

    /** How the stage ended. */
    sealed interface Result permits Done, Failed, StorageDown, Stopped, Moved, Forward {
    }

    /** It does not fit this worker, but another pool fits it: forward it there ({@link JobForwarding}). */
    record Forward(JobForwarding.Target target, String why) implements Result {
    }

    /** @param resumedFrom the checkpoint iteration the run continued from, or null */
    record Done(Stylized stylized, ProgressReporter reporter, Integer resumedFrom) implements Result {
    }

    record Failed(ErrorCode code, String message) implements Result {
    }

    record StorageDown(StorageException cause) implements Result {
    }

    /** The stylizer stopped on the stop flag (cancel, revocation, shutdown or halt). */
    record Stopped(TransferCancelledException cause, ProgressReporter reporter) implements Result {
    }

    /** It finished, but after its partition moved: the new owner decides. */
    record Moved() implements Result {
    }

    private final Map<JobMode, Stylizer> stylizers;
    private final InputSource inputs;
    private final JobObjects objects;
    private final StorageRetry retry;
    private final JobEvents events;
    private final Predicate<String> cancelled;
    private final ProgressReporter.Cadence cadence;
    private final WorkerMetrics metrics;
    private final Clock clock;
    private final String workerId;
    private final JobMemoryCheck memory;
    private final JobForwarding forwarding;

    StylizeStage(Map<JobMode, Stylizer> stylizers, InputSource inputs, JobObjects objects, StorageRetry retry,
                 JobEvents events, Predicate<String> cancelled, ProgressReporter.Cadence cadence,
                 WorkerMetrics metrics, Clock clock, String workerId, JobMemoryCheck memory,
                 JobForwarding forwarding) {
        this.memory = memory;
        this.forwarding = forwarding;
        this.stylizers = new EnumMap<>(stylizers);
        this.inputs = inputs;
        this.objects = objects;
        this.retry = retry;
        this.events = events;
        this.cancelled = cancelled;
        this.cadence = cadence;
        this.metrics = metrics;
        this.clock = clock;
        this.workerId = workerId;
    }

    /** The stylizer of a job's mode (for the manifest's device); null when none is registered. */
    Stylizer stylizer(JobRequest request) {
        return stylizers.get(request.options().mode());
    }

    Result run(JobContext job) {
        JobRequest request = job.request;
        String jobId = job.jobId;
        Stylizer stylizer = stylizer(request);
        if (stylizer == null) {
            return new Failed(ErrorCode.INVALID_REQUEST, "this worker runs no jobs of mode "
                    + request.options().mode());
        }
        Instant startedAt = clock.instant();
        job.timings.put("queueWait", Math.max(0, Duration.between(request.submittedAt(), startedAt).toMillis()));

        Optional<Checkpoint> checkpoint;
        JobInputs fetched;
        long fetchStart = System.nanoTime();
        try {
            checkpoint = retry.call(jobId, job.control, "read the checkpoint", () -> objects.checkpoint(jobId));
            fetched = retry.call(jobId, job.control, "fetch the inputs", () -> inputs.fetch(request));
        } catch (StorageException e) {
            return new StorageDown(e);
        } catch (JobFailure f) {
            return new Failed(f.code(), f.getMessage());
        }
        job.timings.put("fetch", (System.nanoTime() - fetchStart) / 1_000_000);
        if (checkpoint.isPresent() && checkpoint.get().totalIterations() != request.options().iterations()) {
            LOG.warn("checkpoint of job {} was made for {} iterations, not {}; starting over", jobId,
                    checkpoint.get().totalIterations(), request.options().iterations());
            checkpoint = Optional.empty();
        }
        EngineState resume = checkpoint.map(Checkpoint::state).orElse(null);
        int startIteration = checkpoint.map(Checkpoint::iteration).orElse(0);
        if (checkpoint.isPresent()) {
            metrics.checkpointResumed();
            LOG.info("job {} resumes from its checkpoint at iteration {} (written by {})", jobId, startIteration,
                    checkpoint.get().workerId());
        } else {
            metrics.queueWait(Duration.between(request.submittedAt(), startedAt));
        }

        Stylizer.Prepared prepared;
        try {
            prepared = stylizer.prepare(request, fetched, resume);
        } catch (InvalidSpecException e) {
            return refused(e);
        }
        int[] size = ImageOps.scaledSize(fetched.content().getWidth(), fetched.content().getHeight(),
                request.options().size());
        JobMemoryCheck.Verdict fit = memory.check(request.options(), size[0], size[1], prepared);
        if (!fit.fits()) {
            return tooLarge(job, fit, fetched.content().getWidth(), fetched.content().getHeight());
        }

        long runningSeq = EventSeq.running(startIteration);
        events.publish(JobEvent.running(jobId, runningSeq, clock.instant(), workerId, Map.copyOf(job.timings)));
        job.runningSinceNanos = System.nanoTime();
        ProgressReporter reporter = new ProgressReporter(jobId, workerId, startIteration, runningSeq, cadence,
                job.control, events, objects, metrics, clock);
        BooleanSupplier stop = () -> job.control.mustAbandon() || cancelled.test(jobId);
        Stylized stylized;
        metrics.jobStarted();
        try {
            stylized = prepared.run(reporter, stop);
        } catch (TransferCancelledException e) {
            return new Stopped(e, reporter);
        } catch (EngineOutOfMemoryException e) {
            LOG.warn("job {} ran out of memory: {}", jobId, e.getCause() == null ? e.getMessage() : e.getCause().toString());
            return new Failed(ErrorCode.OUT_OF_MEMORY, "the device ran out of memory at size "
                    + request.options().size() + sizeHint(e));
        } catch (InvalidSpecException e) {
            return refused(e);
        } catch (InvalidImageException e) {
            return new Failed(ErrorCode.INPUT_CORRUPT, e.getMessage());
        } catch (WeightsException e) {
            return new Failed(ErrorCode.WEIGHTS_UNAVAILABLE, e.getMessage());
        } catch (NonFiniteLossException e) {
            LOG.warn("job {} went non-finite: {}", jobId, e.getMessage());
            return new Failed(ErrorCode.NON_FINITE_LOSS, e.getMessage());
        } catch (EngineException e) {
            LOG.error("engine failure in job {}", jobId, e);
            return new Failed(ErrorCode.INTERNAL, "the engine failed: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("unexpected failure in job {}", jobId, e);
            return new Failed(ErrorCode.INTERNAL, "internal error (" + e.getClass().getSimpleName() + ")");
        } finally {
            metrics.jobStopped();
        }
        if (job.control.isRevoked() || job.control.isHalted() || job.control.isSuperseded()) {
            return new Moved();
        }
        job.timings.put("targets", stylized.result().timings().styleTargetsMs());
        job.timings.put("optimise", stylized.result().timings().optimiseMs());
        return new Done(stylized, reporter, checkpoint.map(Checkpoint::iteration).orElse(null));
    }

    /**
     * A job this worker cannot fit: forwarded to another pool that fits it, unless it has been forwarded too often
     * already (pools whose advertisements disagree with their workers' own checks must not pass it round forever);
     * FAILED TOO_LARGE_FOR_WORKER when no pool fits.
     */
    private Result tooLarge(JobContext job, JobMemoryCheck.Verdict fit, int contentWidth, int contentHeight) {
        Optional<JobForwarding.Target> target = forwarding.target(job.request, contentWidth, contentHeight);
        if (target.isEmpty()) {
            LOG.warn("job {} refused by the memory preflight, and no other pool fits it: {}", job.jobId,
                    fit.message());
            return new Failed(ErrorCode.TOO_LARGE_FOR_WORKER, fit.message());
        }
        int forwards = job.record.forwards();
        if (forwards >= forwarding.maxForwards()) {
            LOG.warn("job {} refused by the memory preflight; pool {} should fit it, but it was forwarded {} times "
                    + "already: {}", job.jobId, target.get().pool(), forwards, fit.message());
            return new Failed(ErrorCode.TOO_LARGE_FOR_WORKER, fit.message() + "; it was forwarded between pools "
                    + forwards + " times already (pool " + target.get().pool() + " is advertised to fit it)");
        }
        return new Forward(target.get(), fit.message());
    }

    private static Failed refused(InvalidSpecException e) {
        return new Failed(ErrorCode.INVALID_REQUEST, "request refused by the engine: " + e.getMessage() + sizeHint(e));
    }

    /** The engine's size hint in the API's words (the option is {@code size}). */
    private static String sizeHint(EngineException e) {
        return e.suggestedSize().isPresent() ? "; try size " + e.suggestedSize().getAsInt() + " or smaller" : "";
    }
}
