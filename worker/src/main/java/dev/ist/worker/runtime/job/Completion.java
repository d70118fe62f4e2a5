package dev.ist.worker.runtime.job;

import dev.ist.common.ObjectKeys;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.JobEvent;
import dev.ist.common.event.Losses;
import dev.ist.common.event.NetworkInfo;
import dev.ist.common.job.JobRequest;
import dev.ist.common.storage.StorageException;
import dev.ist.worker.engine.EngineState;
import dev.ist.worker.engine.TransferResult;
import dev.ist.worker.runtime.fleet.FencedWriteException;
import dev.ist.worker.runtime.metrics.WorkerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Map;

/**
 * The last stage of a job that ran: a finished one gets its result, manifest and terminal marker stored (in that
 * order, each within the storage retry budget) before SUCCEEDED is published; a stopped one is either CANCELLED (the
 * user asked) or checkpointed and abandoned (revocation, shutdown) for the next owner. Every write goes through
 * {@link JobObjects}, fenced by the attempt's claim: a write refused because another attempt took the job over
 * ({@link FencedWriteException}) abandons the job, and nothing is published.
 */
final class Completion {

    private static final Logger LOG = LoggerFactory.getLogger(Completion.class);

    private final JsonCodec codec = JsonCodec.shared();
    private final JobObjects objects;
    private final StorageRetry retry;
    private final TerminalPublisher terminals;
    private final WorkerMetrics metrics;
    private final Clock clock;
    private final String workerId;

    Completion(JobObjects objects, StorageRetry retry, TerminalPublisher terminals, WorkerMetrics metrics,
               Clock clock, String workerId) {
        this.objects = objects;
        this.retry = retry;
        this.terminals = terminals;
        this.metrics = metrics;
        this.clock = clock;
        this.workerId = workerId;
    }

    /** Stores what the job made and publishes SUCCEEDED; the checkpoint goes once that is acknowledged. */
    JobOutcome succeed(JobContext job, StylizeStage.Done done, String device) {
        JobRequest request = job.request;
        TransferResult result = done.stylized().result();
        String resultKey = ObjectKeys.result(job.jobId, request.options().outputFormat().extension());
        String manifestKey = ObjectKeys.manifest(job.jobId);
        long storeStart = System.nanoTime();
        JobEvent succeeded;
        try {
            byte[] image = ImageEncoding.encode(result.image(), request.options().outputFormat());
            retry.run(job.jobId, job.control, "store the result",
                    () -> objects.saveResult(resultKey, image, request.options().outputFormat().mediaType()));
            job.timings.put("store", (System.nanoTime() - storeStart) / 1_000_000);
            Map<String, Long> timings = job.timingsWithTotal();
            JobManifest manifest = new JobManifest(JobManifest.SCHEMA_VERSION, job.jobId, workerId, device,
                    request.submittedAt(), clock.instant(), request.content().sha256(),
                    request.styles().stream().map(s -> s.image().sha256()).toList(), request.options(),
                    request.options().seed(), done.stylized().weights(), Versions.all(), timings,
                    done.resumedFrom(), result.iterationsRun(), result.image().getWidth(), result.image().getHeight(),
                    new Losses(result.contentLoss(), result.styleLoss(), result.tvLoss(), result.totalLoss()),
                    done.stylized().styleCacheHit() ? "hit" : "miss", resultKey);
            byte[] manifestJson = codec.encode(manifest);
            retry.run(job.jobId, job.control, "store the manifest", () -> objects.saveManifest(manifestKey, manifestJson));
            succeeded = JobEvent.succeeded(job.jobId, job.terminalSeq, clock.instant(), workerId,
                    done.reporter().last(), resultKey, manifestKey, timings)
                    .withNetwork(NetworkInfo.of(manifest.weights().description(), manifest.weights().sha256()));
            JobEvent marker = succeeded;
            retry.run(job.jobId, job.control, "store the terminal marker", () -> objects.saveTerminal(marker));
        } catch (FencedWriteException e) {
            return superseded(job, e);
        } catch (StorageException e) {
            return terminals.storageFailure(job, e);
        } catch (JobFailure f) {
            return terminals.fail(job, f.code(), f.getMessage());
        }
        return terminals.publish(job, succeeded, true);
    }

    /** Another attempt owns the job now: it finishes the job; this one publishes nothing. */
    static JobOutcome superseded(JobContext job, FencedWriteException e) {
        LOG.warn("job {}: {}; abandoning this attempt", job.jobId, e.getMessage());
        job.control.supersede();
        return JobOutcome.abandon("superseded by another attempt");
    }

    /** The stylizer stopped on the flag: user cancel → CANCELLED; revoke/shutdown → checkpoint, no terminal event. */
    JobOutcome stopped(JobContext job, StylizeStage.Stopped stopped) {
        if (job.control.isHalted()) {
            return JobOutcome.abandon("halted");
        }
        if (job.control.isSuperseded()) {
            return JobOutcome.abandon("superseded by another attempt");
        }
        EngineState state = stopped.cause().lastState();
        if (job.control.mustAbandon()) {
            if (state != null) {
                try {
                    objects.saveCheckpoint(new Checkpoint(job.jobId, state.iteration(), stopped.reporter().lastSeq(),
                            job.request.options().iterations(), workerId, clock.instant(), state));
                    metrics.checkpointWritten();
                    LOG.info("job {} stopped at iteration {} and checkpointed", job.jobId, state.iteration());
                } catch (FencedWriteException ex) {
                    return superseded(job, ex);
                } catch (RuntimeException ex) {
                    LOG.warn("job {}: final checkpoint not written ({}); it resumes from the previous one",
                            job.jobId, ex.getMessage());
                }
            }
            return JobOutcome.abandon(job.control.isRevoked() ? "partition revoked" : "worker shutting down");
        }
        return terminals.cancelled(job, job.request.pastDeadline(clock.instant()) ? JobRequest.DEADLINE_REASON
                : "cancelled at iteration " + stopped.cause().iteration());
    }
}
