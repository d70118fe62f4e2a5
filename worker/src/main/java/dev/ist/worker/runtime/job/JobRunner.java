package dev.ist.worker.runtime.job;

import dev.ist.common.IstConfig;
import dev.ist.common.ObjectKeys;
import dev.ist.common.codec.InvalidMessageException;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.DeadLetter;
import dev.ist.common.event.ErrorCode;
import dev.ist.common.event.Failure;
import dev.ist.common.event.JobEvent;
import dev.ist.common.event.Losses;
import dev.ist.common.event.Progress;
import dev.ist.common.job.FieldError;
import dev.ist.common.job.JobMode;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.JobRequest;
import dev.ist.common.job.JobValidator;
import dev.ist.common.job.StyleRef;
import dev.ist.common.storage.ImageStore;
import dev.ist.common.storage.StorageException;
import dev.ist.worker.engine.EngineException;
import dev.ist.worker.engine.EngineOutOfMemoryException;
import dev.ist.worker.engine.EngineState;
import dev.ist.worker.engine.InvalidImageException;
import dev.ist.worker.engine.InvalidSpecException;
import dev.ist.worker.engine.StyleTargets;
import dev.ist.worker.engine.TransferCancelledException;
import dev.ist.worker.engine.TransferResult;
import dev.ist.worker.engine.TransferSpec;
import dev.ist.worker.engine.WeightsException;
import dev.ist.worker.fast.FastJobRunner;
import dev.ist.worker.runtime.WorkerConfig;
import dev.ist.worker.runtime.kafka.CancelRegistry;
import dev.ist.worker.runtime.kafka.EventPublisher;
import dev.ist.worker.runtime.kafka.EventPublisher.PublishException;
import dev.ist.worker.runtime.metrics.WorkerMetrics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Runs one message of the jobs topic to its end: decode and re-validate, skip it when it already finished (re-publish
 * its terminal event) or was cancelled while queued, fetch the inputs, resume from the last checkpoint, run the
 * engine while reporting progress, store the result and manifest, and publish exactly one terminal event. Permanent
 * failures are also copied to the dead-letter topic; transient storage failures are retried with backoff within a
 * job-level budget first. The returned {@link JobOutcome} tells the polling thread whether to commit.
 */
public final class JobRunner implements JobHandler {

    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

    private final WorkerConfig config;
    private final TransferEngine engine;
    private final ImageStore store;
    private final ImageStore previewStore;
    private final EventPublisher publisher;
    private final CancelRegistry cancels;
    private final Runnable controlSync;
    private final StyleTargetsCache styleCache;
    private final WorkerMetrics metrics;
    private final Clock clock;
    private final JobObjects objects;
    private final InputFetcher fetcher;
    private final JobValidator validator;
    private final JsonCodec codec = JsonCodec.shared();
    private final FastJobRunner fast; // mode FAST: a pre-trained network instead of the optimisation

    /**
     * @param previewStore storage for previews, typically with a short retry policy (a preview may be skipped)
     * @param controlSync  blocks until the control topic has been read up to now (bounded), before a job starts
     */
    public JobRunner(WorkerConfig config, TransferEngine engine, ImageStore store, ImageStore previewStore,
                     EventPublisher publisher, CancelRegistry cancels, Runnable controlSync,
                     StyleTargetsCache styleCache, WorkerMetrics metrics, Clock clock) {
        this.config = config;
        this.engine = engine;
        this.store = store;
        this.previewStore = previewStore;
        this.publisher = publisher;
        this.cancels = cancels;
        this.controlSync = controlSync;
        this.styleCache = styleCache;
        this.metrics = metrics;
        this.clock = clock;
        this.objects = new JobObjects(store);
        this.fetcher = new InputFetcher(store, config.limits());
        this.validator = new JobValidator(config.limits());
        this.fast = new FastJobRunner(store, FastJobRunner.Settings.from(IstConfig.fromSystem()));
    }

    /** One job's bookkeeping while it is handled. */
    private final class Job {
        final ConsumerRecord<String, byte[]> record;
        final JobControl control;
        final long receivedNanos = System.nanoTime();
        final Instant receivedAt = clock.instant();
        final Map<String, Long> timings = new LinkedHashMap<>();
        String jobId;
        JobRequest request;
        long terminalSeq;
        Long runningSinceNanos;

        Job(ConsumerRecord<String, byte[]> record, JobControl control) {
            this.record = record;
            this.control = control;
        }

        Duration runTime() {
            return runningSinceNanos == null ? null : Duration.ofNanos(System.nanoTime() - runningSinceNanos);
        }

        Map<String, Long> timingsWithTotal() {
            Map<String, Long> t = new LinkedHashMap<>(timings);
            t.put("total", (System.nanoTime() - receivedNanos) / 1_000_000);
            return t;
        }
    }

    @Override
    public JobOutcome handle(ConsumerRecord<String, byte[]> record, JobControl control) {
        Job job = new Job(record, control);
        try {
            job.request = codec.decodeRequest(record.value());
        } catch (InvalidMessageException e) {
            return rejectUndecodable(job, e.code(), "malformed job request: " + e.getMessage());
        }
        job.jobId = job.request.jobId();
        if (!ObjectKeys.isJobId(job.jobId)) {
            return rejectUndecodable(job, ErrorCode.INVALID_REQUEST, "jobId must be a UUID");
        }
        JobOptions options = job.request.options();
        job.terminalSeq = EventSeq.terminal(options == null ? 0 : options.iterations());
        List<FieldError> errors = validator.validate(job.request);
        if (!errors.isEmpty()) {
            return fail(job, ErrorCode.INVALID_REQUEST, "request refused: "
                    + errors.stream().map(FieldError::toString).collect(Collectors.joining("; ")));
        }
        try {
            Optional<JobEvent> done = retrying(job, "check for an earlier result", () -> objects.terminal(job.jobId));
            if (done.isPresent()) {
                LOG.info("job {} already finished ({}); re-publishing its terminal event", job.jobId,
                        done.get().type());
                return publishTerminal(job, done.get(), false);
            }
        } catch (StorageException e) {
            return storageFailure(job, e);
        } catch (JobFailure f) {
            return fail(job, f.code(), f.getMessage());
        }
        long syncStart = System.nanoTime();
        controlSync.run();
        LOG.info("job {} picked up {} ms after submission (partition {} offset {}); checks took {} ms, control sync {} ms",
                job.jobId, Duration.between(job.request.submittedAt(), job.receivedAt).toMillis(), record.partition(),
                record.offset(), ms(syncStart - job.receivedNanos), ms(System.nanoTime() - syncStart));
        if (cancels.isCancelled(job.jobId)) {
            LOG.info("job {} was cancelled before it started; skipping it", job.jobId);
            return cancelled(job, "cancelled before it started");
        }
        if (control.mustAbandon()) {
            return JobOutcome.abandon("stopping before the job started");
        }
        return run(job);
    }

    private JobOutcome run(Job job) {
        JobRequest request = job.request;
        String jobId = job.jobId;
        Instant startedAt = clock.instant();
        job.timings.put("queueWait", Math.max(0, Duration.between(request.submittedAt(), startedAt).toMillis()));

        Optional<Checkpoint> checkpoint;
        InputFetcher.Inputs inputs;
        long fetchStart = System.nanoTime();
        try {
            checkpoint = retrying(job, "read the checkpoint", () -> objects.checkpoint(jobId));
            inputs = retrying(job, "fetch the inputs", () -> fetcher.fetch(request));
        } catch (StorageException e) {
            return storageFailure(job, e);
        } catch (JobFailure f) {
            return fail(job, f.code(), f.getMessage());
        }
        job.timings.put("fetch", ms(System.nanoTime() - fetchStart));
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

        StyleTargetsCache.Key cacheKey = cacheKey(request);
        Optional<List<StyleTargets>> cachedTargets = styleCache.get(cacheKey);
        metrics.styleCache(cachedTargets.isPresent());

        TransferSpec spec;
        try {
            spec = isFast(request) ? null
                    : SpecFactory.build(request.options(), inputs, resume, cachedTargets.orElse(List.of()));
        } catch (InvalidSpecException e) {
            return fail(job, ErrorCode.INVALID_REQUEST, "request refused by the engine: " + e.getMessage());
        }

        long runningSeq = EventSeq.running(startIteration);
        publisher.publish(JobEvent.running(jobId, runningSeq, clock.instant(), config.workerId(),
                Map.copyOf(job.timings)));
        job.runningSinceNanos = System.nanoTime();
        ProgressReporter reporter = new ProgressReporter(jobId, config.workerId(), startIteration, runningSeq,
                new ProgressReporter.Cadence(config.progressEveryIterations(), config.progressMinInterval(),
                        config.previewEvery(), config.previewSize(), config.checkpointEvery()),
                job.control, publisher, previewStore, objects, metrics, clock);

        TransferResult result;
        metrics.jobStarted();
        try {
            java.util.function.BooleanSupplier stop = () -> job.control.mustAbandon() || cancels.isCancelled(jobId);
            result = isFast(request) ? fast.stylize(request.options(), inputs.content(), reporter, stop)
                    : engine.stylize(spec, reporter, stop);
        } catch (TransferCancelledException e) {
            return stopped(job, e, reporter);
        } catch (EngineOutOfMemoryException e) {
            return fail(job, ErrorCode.OUT_OF_MEMORY, "the device ran out of memory at size "
                    + request.options().size() + "; try size " + e.suggestedLongSide() + " or smaller ("
                    + e.getMessage() + ")");
        } catch (InvalidSpecException e) {
            return fail(job, ErrorCode.INVALID_REQUEST, "request refused by the engine: " + e.getMessage());
        } catch (InvalidImageException e) {
            return fail(job, ErrorCode.INPUT_CORRUPT, e.getMessage());
        } catch (WeightsException e) {
            return fail(job, ErrorCode.WEIGHTS_UNAVAILABLE, e.getMessage());
        } catch (EngineException e) {
            LOG.error("engine failure in job {}", jobId, e);
            return fail(job, ErrorCode.INTERNAL, "the engine failed: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("unexpected failure in job {}", jobId, e);
            return fail(job, ErrorCode.INTERNAL, "internal error (" + e.getClass().getSimpleName() + ")");
        } finally {
            metrics.jobStopped();
        }
        if (job.control.isRevoked() || job.control.isHalted()) {
            return JobOutcome.abandon("finished after its partition moved; the new owner decides");
        }
        styleCache.put(cacheKey, result.styleTargets());
        job.timings.put("targets", result.timings().styleTargetsMs());
        job.timings.put("optimise", result.timings().optimiseMs());
        return succeed(job, result, reporter, checkpoint.map(Checkpoint::iteration).orElse(null),
                cachedTargets.isPresent());
    }

    private JobOutcome succeed(Job job, TransferResult result, ProgressReporter reporter, Integer resumedFrom,
                               boolean cacheHit) {
        JobRequest request = job.request;
        String resultKey = ObjectKeys.result(job.jobId, request.options().outputFormat().extension());
        String manifestKey = ObjectKeys.manifest(job.jobId);
        long storeStart = System.nanoTime();
        JobEvent succeeded;
        try {
            byte[] image = ImageEncoding.encode(result.image(), request.options().outputFormat());
            retrying(job, "store the result", () -> {
                store.put(resultKey, image, request.options().outputFormat().mediaType());
                return null;
            });
            job.timings.put("store", ms(System.nanoTime() - storeStart));
            Map<String, Long> timings = job.timingsWithTotal();
            JobManifest manifest = new JobManifest(JobManifest.SCHEMA_VERSION, job.jobId, config.workerId(),
                    engine.device(), request.submittedAt(), clock.instant(), request.content().sha256(),
                    request.styles().stream().map(s -> s.image().sha256()).toList(), request.options(),
                    request.options().seed(),
                    isFast(request) ? new JobManifest.Weights(result.weightsDescription(), result.weightsSha256())
                            : new JobManifest.Weights(engine.weightsDescription(), engine.weightsSha256()), Versions.all(),
                    timings, resumedFrom, result.iterationsRun(), result.image().getWidth(),
                    result.image().getHeight(),
                    new Losses(result.contentLoss(), result.styleLoss(), result.tvLoss(), result.totalLoss()),
                    cacheHit ? "hit" : "miss", resultKey);
            byte[] manifestJson = codec.encode(manifest);
            retrying(job, "store the manifest", () -> {
                store.put(manifestKey, manifestJson, "application/json");
                return null;
            });
            Progress last = reporter.last();
            succeeded = JobEvent.succeeded(job.jobId, job.terminalSeq, clock.instant(), config.workerId(), last,
                    resultKey, manifestKey, timings);
            JobEvent marker = succeeded;
            retrying(job, "store the terminal marker", () -> {
                objects.saveTerminal(marker);
                return null;
            });
        } catch (StorageException e) {
            return storageFailure(job, e);
        } catch (JobFailure f) {
            return fail(job, f.code(), f.getMessage());
        }
        JobOutcome outcome = publishTerminal(job, succeeded, true);
        if (outcome.action() == JobOutcome.Action.COMMIT) {
            objects.deleteCheckpoint(job.jobId);
        }
        return outcome;
    }

    /** The engine stopped on our flag: user cancel → CANCELLED; revoke/shutdown → checkpoint, no terminal event. */
    private JobOutcome stopped(Job job, TransferCancelledException e, ProgressReporter reporter) {
        if (job.control.isHalted()) {
            return JobOutcome.abandon("halted");
        }
        if (job.control.mustAbandon()) {
            EngineState state = e.lastState();
            if (state != null) {
                try {
                    objects.saveCheckpoint(new Checkpoint(job.jobId, state.iteration(), reporter.lastSeq(),
                            job.request.options().iterations(), config.workerId(), clock.instant(), state));
                    metrics.checkpointWritten();
                    LOG.info("job {} stopped at iteration {} and checkpointed", job.jobId, state.iteration());
                } catch (RuntimeException ex) {
                    LOG.warn("job {}: final checkpoint not written ({}); it resumes from the previous one",
                            job.jobId, ex.getMessage());
                }
            }
            return JobOutcome.abandon(job.control.isRevoked() ? "partition revoked" : "worker shutting down");
        }
        objects.deleteCheckpoint(job.jobId);
        return cancelled(job, "cancelled at iteration " + (e.lastState() == null ? 0 : e.lastState().iteration()));
    }

    private JobOutcome cancelled(Job job, String reason) {
        JobEvent event = JobEvent.cancelled(job.jobId, job.terminalSeq, clock.instant(), config.workerId(), reason);
        saveMarkerBestEffort(event);
        return publishTerminal(job, event, true);
    }

    /** FAILED event (+ dead letter when the code is permanent). */
    private JobOutcome fail(Job job, ErrorCode code, String message) {
        LOG.warn("job {} failed: {} {}", job.jobId, code, message);
        JobEvent event = JobEvent.failed(job.jobId, job.terminalSeq, clock.instant(), config.workerId(),
                new Failure(code, message), job.timingsWithTotal());
        saveMarkerBestEffort(event);
        if (code.isPermanent()) {
            try {
                deadLetter(job, code, message);
            } catch (PublishException e) {
                LOG.warn("dead letter of job {} not acknowledged: {}", job.jobId, e.getMessage());
                return JobOutcome.redeliver(e.getMessage());
            }
        }
        return publishTerminal(job, event, true);
    }

    private JobOutcome storageFailure(Job job, StorageException e) {
        if (job.control.mustAbandon()) {
            return JobOutcome.abandon("stopping during a storage outage");
        }
        return fail(job, ErrorCode.STORAGE_UNAVAILABLE, "object storage unavailable: " + e.getMessage());
    }

    /** Not even a request: dead-letter it, and tell the job's watchers when the key names a job. */
    private JobOutcome rejectUndecodable(Job job, ErrorCode code, String message) {
        String key = job.record.key();
        job.jobId = ObjectKeys.isJobId(key) ? key : null;
        LOG.warn("message {}-{}@{} dead-lettered: {}", job.record.topic(), job.record.partition(),
                job.record.offset(), message);
        try {
            deadLetter(job, code, message);
        } catch (PublishException e) {
            return JobOutcome.redeliver(e.getMessage());
        }
        if (job.jobId == null) {
            return JobOutcome.commit("dead-lettered");
        }
        job.terminalSeq = EventSeq.terminal(0);
        JobEvent event = JobEvent.failed(job.jobId, job.terminalSeq, clock.instant(), config.workerId(),
                new Failure(code, message), job.timingsWithTotal());
        return publishTerminal(job, event, true);
    }

    private void deadLetter(Job job, ErrorCode code, String reason) throws PublishException {
        ConsumerRecord<String, byte[]> r = job.record;
        publisher.deadLetter(new DeadLetter(DeadLetter.SCHEMA_VERSION, job.jobId, r.topic(), r.partition(),
                r.offset(), clock.instant(), config.workerId(), code, reason,
                Base64.getEncoder().encodeToString(r.value() == null ? new byte[0] : r.value())));
        metrics.deadLetter(code);
    }

    private void saveMarkerBestEffort(JobEvent event) {
        try {
            objects.saveTerminal(event);
        } catch (RuntimeException e) {
            LOG.warn("terminal marker of job {} not stored ({}); a redelivery would run it again", event.jobId(),
                    e.getMessage());
        }
    }

    /** Publishes the terminal event and waits for the acknowledgement; counts the outcome when {@code count}. */
    private JobOutcome publishTerminal(Job job, JobEvent event, boolean count) {
        if (job.control.isRevoked() || job.control.isHalted()) {
            return JobOutcome.abandon("partition revoked before the terminal event");
        }
        try {
            publisher.publishAndWait(event);
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
        return JobOutcome.commit(event.type() + " " + event.jobId());
    }

    @FunctionalInterface
    private interface StorageCall<T> {
        T call() throws JobFailure;
    }

    /** The job-level retry budget for transient storage failures (each call already retries inside ImageStore). */
    private <T> T retrying(Job job, String what, StorageCall<T> call) throws JobFailure {
        Duration backoff = config.jobRetryBackoff();
        for (int attempt = 1; ; attempt++) {
            try {
                return call.call();
            } catch (StorageException e) {
                if (!e.isTransient() || attempt >= config.jobRetryAttempts() || job.control.mustAbandon()) {
                    throw e;
                }
                LOG.warn("job {}: could not {} ({}); retrying in {}", job.jobId, what, e.getMessage(), backoff);
                sleep(backoff, job.control);
                backoff = backoff.multipliedBy(2);
            }
        }
    }

    private static void sleep(Duration d, JobControl control) {
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < end && !control.mustAbandon()) {
            try {
                Thread.sleep(Math.min(100, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private StyleTargetsCache.Key cacheKey(JobRequest request) {
        JobOptions o = request.options();
        List<String> styles = new ArrayList<>();
        for (StyleRef s : request.styles()) {
            styles.add(s.image().sha256() + ":" + s.weight());
        }
        return new StyleTargetsCache.Key(styles, o.size(), o.styleLayers(), o.styleScale(), o.pooling().name(),
                o.preserveColors(), o.multiScale(), engine.weightsSha256());
    }

    private static boolean isFast(JobRequest request) {
        return request.options().mode() == JobMode.FAST;
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
