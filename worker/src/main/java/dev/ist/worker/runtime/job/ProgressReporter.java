package dev.ist.worker.runtime.job;

import dev.ist.common.ObjectKeys;
import dev.ist.common.event.JobEvent;
import dev.ist.common.event.Losses;
import dev.ist.common.event.Progress;
import dev.ist.worker.engine.IterationListener;
import dev.ist.worker.engine.IterationReport;
import dev.ist.worker.runtime.fleet.FencedWriteException;
import dev.ist.worker.runtime.metrics.WorkerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;

/**
 * Turns the engine's per-iteration reports into what the outside sees: PROGRESS events (at most one per
 * {@code progressEvery} iterations AND per {@code minInterval}, whichever is later; the first and the last always),
 * preview JPEGs every {@code previewEvery} iterations (referenced by the next PROGRESS event), checkpoints every
 * {@code checkpointEvery} iterations, and the iteration metrics. Storage trouble with previews or checkpoints is
 * logged and skipped: it must not stop the optimisation.
 */
final class ProgressReporter implements IterationListener {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressReporter.class);

    /** Cadences, from the worker configuration. */
    record Cadence(int progressEvery, Duration minInterval, int previewEvery, int previewSize, int checkpointEvery) {
    }

    private final String jobId;
    private final String workerId;
    private final int startIteration;
    private final Cadence cadence;
    private final JobControl control;
    private final JobEvents publisher;
    private final JobObjects objects;
    private final WorkerMetrics metrics;
    private final Clock clock;

    private long lastReportNanos;
    private int lastIteration = -1;
    private final ProgressThrottle throttle;
    private long lastSeq;
    private String latestPreviewKey;
    private Progress last;

    ProgressReporter(String jobId, String workerId, int startIteration, long runningSeq, Cadence cadence,
                     JobControl control, JobEvents publisher, JobObjects objects,
                     WorkerMetrics metrics, Clock clock) {
        this.jobId = jobId;
        this.workerId = workerId;
        this.startIteration = startIteration;
        this.lastSeq = runningSeq;
        this.cadence = cadence;
        this.control = control;
        this.publisher = publisher;
        this.objects = objects;
        this.metrics = metrics;
        this.clock = clock;
        this.throttle = new ProgressThrottle(cadence.progressEvery(), cadence.minInterval().toNanos());
    }

    @Override
    public void onIteration(IterationReport r) {
        long now = System.nanoTime();
        if (lastIteration >= 0 && r.iteration() > lastIteration) {
            metrics.iteration(Duration.ofNanos((now - lastReportNanos) / (r.iteration() - lastIteration)));
        }
        lastReportNanos = now;
        lastIteration = r.iteration();
        last = progress(r, latestPreviewKey);
        if (control.mustAbandon()) {
            return; // not ours any more, or stopping: the runner writes the final checkpoint
        }
        int i = r.iteration();
        if (cadence.previewEvery() > 0 && i > startIteration && i % cadence.previewEvery() == 0 && !r.isFinal()) {
            writePreview(r);
            last = progress(r, latestPreviewKey);
        }
        if (cadence.checkpointEvery() > 0 && i > startIteration && i % cadence.checkpointEvery() == 0
                && !r.isFinal()) {
            writeCheckpoint(r);
        }
        if (throttle.due(i, now, r.isFinal())) {
            long seq = EventSeq.progress(i);
            publisher.publish(JobEvent.progress(jobId, seq, clock.instant(), workerId, last));
            lastSeq = seq;
        }
    }

    private void writePreview(IterationReport r) {
        String key = ObjectKeys.preview(jobId, r.iteration());
        try {
            objects.savePreview(key, ImageEncoding.jpeg(r.preview(cadence.previewSize()), 0.8f));
            latestPreviewKey = key;
        } catch (FencedWriteException e) {
            superseded(e);
        } catch (RuntimeException e) {
            LOG.warn("preview {} of job {} skipped: {}", r.iteration(), jobId, e.getMessage());
        }
    }

    private void writeCheckpoint(IterationReport r) {
        try {
            objects.saveCheckpoint(new Checkpoint(jobId, r.iteration(), lastSeq, r.totalIterations(), workerId,
                    clock.instant(), r.snapshot()));
            metrics.checkpointWritten();
        } catch (FencedWriteException e) {
            superseded(e);
        } catch (RuntimeException e) {
            LOG.warn("checkpoint at iteration {} of job {} skipped: {}", r.iteration(), jobId, e.getMessage());
        }
    }

    /** Storage refused our write: another attempt owns the job. Stop the run; publish nothing more. */
    private void superseded(FencedWriteException e) {
        LOG.warn("job {}: {}; stopping this attempt", jobId, e.getMessage());
        control.supersede();
    }

    private static Progress progress(IterationReport r, String previewKey) {
        return new Progress(r.iteration(), r.totalIterations(), r.scaleIndex(), r.scaleCount(), r.width(),
                r.height(), new Losses(r.contentLoss(), r.styleLoss(), r.tvLoss(), r.totalLoss()), r.elapsedMs(),
                previewKey);
    }

    /** The last report seen, for the terminal event (null before the first). */
    Progress last() {
        return last;
    }

    long lastSeq() {
        return lastSeq;
    }
}
