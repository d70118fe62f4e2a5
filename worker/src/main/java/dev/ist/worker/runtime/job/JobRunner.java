package dev.ist.worker.runtime.job;

import dev.ist.common.job.JobMode;
import dev.ist.common.job.JobValidator;
import dev.ist.worker.runtime.WorkerConfig;
import dev.ist.worker.runtime.metrics.WorkerMetrics;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Runs one message of the jobs topic to its end in three stages: {@link Admission} (may it run?), {@link
 * StylizeStage} (the job mode's {@link Stylizer} with inputs, checkpoint and progress), {@link Completion} (store,
 * then exactly one terminal event). {@link TerminalPublisher} ends a job from any stage; the returned {@link
 * JobOutcome} tells the polling thread whether to commit.
 */
public final class JobRunner implements JobHandler {

    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

    private final Admission admission;
    private final StylizeStage stylize;
    private final Completion completion;
    private final TerminalPublisher terminals;
    private final JobOwnership ownership;
    private final JobForwarding forwarding;
    private final Clock clock;

    JobRunner(Admission admission, StylizeStage stylize, Completion completion, TerminalPublisher terminals,
              JobOwnership ownership, JobForwarding forwarding, Clock clock) {
        this.forwarding = forwarding;
        this.ownership = ownership;
        this.admission = admission;
        this.stylize = stylize;
        this.completion = completion;
        this.terminals = terminals;
        this.clock = clock;
    }

    /**
     * The stages wired from the worker's configuration.
     *
     * @param stylizers   one per job mode this worker runs
     * @param cancelled   whether a cancel for a job id was seen on the control topic
     * @param controlSync blocks until the control topic has been read up to now (bounded), before a job starts
     * @param ownership   cancel marker, owner claim (fencing) and attempt count; usually the same object as
     *                    {@code objects} ({@link FencedJobObjects})
     * @param memory      the memory preflight
     */
    public static JobRunner create(WorkerConfig config, Map<JobMode, Stylizer> stylizers, JobObjects objects,
                                   JobOwnership ownership, InputSource inputs, JobEvents events,
                                   Predicate<String> cancelled, Runnable controlSync, JobMemoryCheck memory,
                                   WorkerMetrics metrics, Clock clock) {
        return create(config, stylizers, objects, ownership, inputs, events, cancelled, controlSync, memory, metrics,
                clock, JobForwarding.none());
    }

    /** @param forwarding where a job this worker cannot fit goes instead of failing */
    public static JobRunner create(WorkerConfig config, Map<JobMode, Stylizer> stylizers, JobObjects objects,
                                   JobOwnership ownership, InputSource inputs, JobEvents events,
                                   Predicate<String> cancelled, Runnable controlSync, JobMemoryCheck memory,
                                   WorkerMetrics metrics, Clock clock, JobForwarding forwarding) {
        StorageRetry retry = new StorageRetry(config.jobRetryAttempts(), config.jobRetryBackoff());
        TerminalPublisher terminals = new TerminalPublisher(events, objects, metrics, clock, config.workerId(),
                ownership, retry);
        Admission admission = new Admission(new JobValidator(config.limits()), objects, retry, controlSync, cancelled,
                ownership, config.maxJobAttempts());
        StylizeStage stylize = new StylizeStage(stylizers, inputs, objects, retry, events, cancelled,
                new ProgressReporter.Cadence(config.progressEveryIterations(), config.progressMinInterval(),
                        config.previewEvery(), config.previewSize(), config.checkpointEvery()),
                metrics, clock, config.workerId(), memory, forwarding);
        Completion completion = new Completion(objects, retry, terminals, metrics, clock, config.workerId());
        return new JobRunner(admission, stylize, completion, terminals, ownership, forwarding, clock);
    }

    @Override
    public JobOutcome handle(JobMessage record, JobControl control) {
        JobContext job = new JobContext(record, control, clock.instant());
        try {
            JobOutcome outcome = run(job);
            if (job.claimed && outcome.action() == JobOutcome.Action.ABANDON && !control.isHalted()
                    && !control.isSuperseded()) {
                stoppedCleanly(job);
            }
            return outcome;
        } finally {
            ownership.release(job.jobId);
        }
    }

    /** A handed-over attempt is not a crash; only the current owner may say so (a stale one is refused). */
    private void stoppedCleanly(JobContext job) {
        try {
            ownership.stoppedCleanly(job.jobId);
        } catch (RuntimeException e) {
            LOG.warn("job {}: attempt not recorded as stopped cleanly ({})", job.jobId, e.getMessage());
        }
    }

    /**
     * The record goes to the other pool's topic first; only once the broker has it is this one committed, and this
     * attempt recorded as a clean hand-over (not a crash), so the worker that takes it there starts afresh.
     */
    private JobOutcome forward(JobContext job, StylizeStage.Forward f) {
        try {
            forwarding.forward(job.record, job.request, f.target(), f.why());
        } catch (JobForwarding.ForwardException e) {
            LOG.warn("job {}: forward to pool {} not acknowledged ({}); reading it again", job.jobId, f.target().pool(),
                    e.getMessage());
            return JobOutcome.redeliver("forward to pool " + f.target().pool() + " not acknowledged");
        }
        stoppedCleanly(job);
        return JobOutcome.commit("forwarded to pool " + f.target().pool());
    }

    private JobOutcome run(JobContext job) {
        Admission.Decision decision = admission.admit(job);
        if (decision instanceof Admission.Rejected r) {
            return r.undecodable() ? terminals.rejectUndecodable(job, r.code(), r.message())
                    : terminals.fail(job, r.code(), r.message());
        } else if (decision instanceof Admission.Replay r) {
            return terminals.publish(job, r.terminal(), false);
        } else if (decision instanceof Admission.CancelledWhileQueued c) {
            return terminals.cancelled(job, c.reason());
        } else if (decision instanceof Admission.Abandoned a) {
            return JobOutcome.abandon(a.reason());
        } else if (decision instanceof Admission.StorageDown s) {
            return terminals.storageFailure(job, s.cause());
        }
        StylizeStage.Result result = stylize.run(job);
        if (result instanceof StylizeStage.Done done) {
            return completion.succeed(job, done, stylize.stylizer(job.request).device());
        } else if (result instanceof StylizeStage.Stopped stopped) {
            return completion.stopped(job, stopped);
        } else if (result instanceof StylizeStage.Failed f) {
            return terminals.fail(job, f.code(), f.message());
        } else if (result instanceof StylizeStage.StorageDown s) {
            return terminals.storageFailure(job, s.cause());
        } else if (result instanceof StylizeStage.Forward f) {
            return forward(job, f);
        }
        return JobOutcome.abandon("finished after its partition moved; the new owner decides");
    }
}
