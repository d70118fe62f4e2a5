package dev.ist.worker.runtime.job;

import dev.ist.common.IstConfig;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.ErrorCode;
import dev.ist.common.event.EventType;
import dev.ist.common.event.JobEvent;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.JobMode;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.JobRequest;
import dev.ist.common.job.StyleRef;
import dev.ist.worker.engine.EngineOutOfMemoryException;
import dev.ist.worker.engine.InvalidSpecException;
import dev.ist.worker.engine.NonFiniteLossException;
import dev.ist.worker.engine.TransferCancelledException;
import dev.ist.worker.runtime.WorkerConfig;
import dev.ist.worker.runtime.job.JobOutcome.Action;
import dev.ist.worker.runtime.job.JobRunnerFakes.FakeEvents;
import dev.ist.worker.runtime.job.JobRunnerFakes.FakeObjects;
import dev.ist.worker.runtime.job.JobRunnerFakes.FakeOwnership;
import dev.ist.worker.runtime.job.JobRunnerFakes.FakeStylizer;
import dev.ist.worker.runtime.metrics.WorkerMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every offset decision of {@link JobRunner} (COMMIT, REDELIVER, ABANDON) with its collaborators faked: events,
 * per-job storage, inputs and the stylizers. The same paths on a real broker and S3 server are in the
 * {@code Worker*Test} classes of the runtime package.
 */
class JobRunnerTest {

    private static final String SHA = "a".repeat(64);
    private static final int ITERATIONS = 4;

    private final FakeEvents events = new FakeEvents();
    private final FakeObjects objects = new FakeObjects();
    private final Set<String> cancelled = new HashSet<>();
    private final FakeOwnership ownership = new FakeOwnership();
    private JobMemoryCheck memory = JobMemoryCheck.unlimited();
    private final List<int[]> preflightSizes = new java.util.ArrayList<>();
    private final WorkerMetrics metrics = new WorkerMetrics("w1", "fake:0");
    private int fetches;
    private int checkpointEvery = 50;

    @AfterEach
    void closeMetrics() {
        metrics.close();
    }

    private JobRunner runner(Map<JobMode, Stylizer> stylizers) {
        Map<String, String> settings = new HashMap<>(Map.of("ist.s3.access-key", "a", "ist.s3.secret-key", "s",
                "ist.worker.id", "w1", "ist.worker.job-retry.max-attempts", "3",
                "ist.worker.job-retry.backoff", "1ms", "ist.worker.progress-min-interval", "0ms",
                "ist.worker.checkpoint-every", Integer.toString(checkpointEvery)));
        WorkerConfig config = WorkerConfig.from(IstConfig.of(settings));
        InputSource inputs = request -> {
            fetches++;
            return new JobInputs(JobRunnerFakes.image(4, 4), List.of(), null);
        };
        objects.writeGuard = id -> ownership.check(id, "write");
        JobMemoryCheck recorded = (options, w, h, prepared) -> {
            preflightSizes.add(new int[] {w, h});
            return memory.check(options, w, h, prepared);
        };
        return JobRunner.create(config, stylizers, objects, ownership, inputs, events, cancelled::contains,
                () -> { }, recorded, metrics, Clock.systemUTC());
    }

    private JobRunner runner(FakeStylizer optimise) {
        return runner(Map.of(JobMode.OPTIMIZE, optimise));
    }

    /** With a checkpoint every {@code checkpointEvery} iterations. */
    private JobRunner runner(FakeStylizer optimise, int checkpointEvery) {
        this.checkpointEvery = checkpointEvery;
        return runner(Map.of(JobMode.OPTIMIZE, optimise));
    }

    private static FakeStylizer finishing() {
        return new FakeStylizer((request, resume, listener, stop) ->
                JobRunnerFakes.finished(request, resume, listener));
    }

    private static JobRequest request(JobOptions options) {
        return JobRequest.of(UUID.randomUUID().toString(), Instant.now(), new ImageRef(SHA),
                List.of(new StyleRef(new ImageRef("b".repeat(64)), 1.0)), options, "owner");
    }

    private static JobRequest request() {
        return request(JobOptions.builder().size(64).iterations(ITERATIONS).build());
    }

    private static JobMessage record(JobRequest request) {
        return new JobMessage("ist.jobs", 0, 7L, request.jobId(), JsonCodec.shared().encode(request));
    }

    private static long terminalSeq() {
        return EventSeq.terminal(ITERATIONS);
    }

    private JobEvent onlyTerminal() {
        List<JobEvent> terminals = events.terminals();
        assertEquals(1, terminals.size(), "terminal events: " + terminals);
        return terminals.get(0);
    }

    @Test
    void finishedJobStoresResultManifestAndMarkerThenCommits() {
        FakeStylizer stylizer = finishing();
        JobRequest request = request();
        JobOutcome outcome = runner(stylizer).handle(record(request), new JobControl());

        assertEquals(Action.COMMIT, outcome.action(), outcome.detail());
        JobEvent done = onlyTerminal();
        assertEquals(EventType.SUCCEEDED, done.type());
        assertEquals(terminalSeq(), done.seq());
        assertEquals(ITERATIONS, done.progress().iteration());
        assertEquals(done, objects.markers.get(request.jobId()));
        assertTrue(objects.results.containsKey(done.resultKey()));
        String manifest = new String(objects.manifests.get(done.manifestKey()), StandardCharsets.UTF_8);
        assertTrue(manifest.contains("\"device\":\"fake:0\""), manifest);
        assertTrue(manifest.contains("\"styleCache\":\"miss\""), manifest);
        assertEquals(EventType.RUNNING, events.published.get(0).type());
        assertEquals(EventSeq.running(0), events.published.get(0).seq());
        assertEquals(1, stylizer.runs);
    }

    @Test
    void unacknowledgedTerminalEventRedeliversAndTheRedeliveryReplaysItWithoutRunningAgain() {
        FakeStylizer stylizer = finishing();
        JobRunner runner = runner(stylizer);
        JobRequest request = request();
        events.refuseTerminal = 1;

        JobOutcome first = runner.handle(record(request), new JobControl());
        assertEquals(Action.REDELIVER, first.action());
        assertTrue(events.terminals().isEmpty());
        JobEvent marker = objects.markers.get(request.jobId());
        assertNotNull(marker, "the marker is stored before the event is published");

        JobOutcome second = runner.handle(record(request), new JobControl());
        assertEquals(Action.COMMIT, second.action());
        assertEquals(marker, onlyTerminal());
        assertEquals(1, stylizer.runs, "a redelivered finished job is not run again");
    }

    @Test
    void aRedeliveryAfterALostCommitDoesNotPublishASecondCopyOfTheTerminalEvent() {
        FakeStylizer stylizer = finishing();
        JobRunner runner = runner(stylizer);
        JobRequest request = request();

        assertEquals(Action.COMMIT, runner.handle(record(request), new JobControl()).action());
        // the commit was lost (broker restart): the same record comes back
        JobOutcome again = runner.handle(record(request), new JobControl());

        assertEquals(Action.COMMIT, again.action());
        assertEquals(1, events.terminals().size(), "one terminal event on the topic: " + events.terminals());
        assertEquals(1, stylizer.runs);
    }

    @Test
    void alreadyFinishedJobRepublishesItsStoredTerminalEventAndCommits() {
        FakeStylizer stylizer = finishing();
        JobRequest request = request();
        JobEvent stored = JobEvent.cancelled(request.jobId(), terminalSeq(), Instant.now(), "w0", "earlier");
        objects.markers.put(request.jobId(), stored);

        JobOutcome outcome = runner(stylizer).handle(record(request), new JobControl());

        assertEquals(Action.COMMIT, outcome.action());
        assertEquals(stored, onlyTerminal());
        assertEquals(0, stylizer.prepared);
        assertEquals(0, fetches);
    }

    @Test
    void cancelledWhileQueuedCommitsCancelledWithoutRunning() {
        FakeStylizer stylizer = finishing();
        JobRequest request = request();
        cancelled.add(request.jobId());

        JobOutcome outcome = runner(stylizer).handle(record(request), new JobControl());

        assertEquals(Action.COMMIT, outcome.action());
        JobEvent event = onlyTerminal();
        assertEquals(EventType.CANCELLED, event.type());
        assertEquals(terminalSeq(), event.seq());
        assertEquals(event, objects.markers.get(request.jobId()));
        assertEquals(0, stylizer.prepared);
    }

    @Test
    void aJobPastItsDeadlineIsCancelledWithReasonDeadlineWithoutRunning() {
        FakeStylizer stylizer = finishing();
        JobRequest request = request().withDeadline(Instant.now().minusSeconds(1));

        JobOutcome outcome = runner(stylizer).handle(record(request), new JobControl());

        assertEquals(Action.COMMIT, outcome.action());
        JobEvent event = onlyTerminal();
        assertEquals(EventType.CANCELLED, event.type());
        assertEquals(JobRequest.DEADLINE_REASON, event.failure().message());
        assertEquals(0, stylizer.prepared);
    }

    @Test
    void cancelledDuringTheRunCommitsCancelledAndDropsTheCheckpoint() {
        JobRequest request = request();
        FakeStylizer stylizer = new FakeStylizer((r, resume, listener, stop) -> {
            listener.onIteration(JobRunnerFakes.report(1, ITERATIONS));
            cancelled.add(r.jobId()); // the control topic delivers a cancel
            assertTrue(stop.getAsBoolean(), "a cancel raises the stop flag");
            throw new TransferCancelledException(JobRunnerFakes.state(1));
        });
        objects.checkpoints.put(request.jobId(), checkpoint(request, 0));

        JobOutcome outcome = runner(stylizer).handle(record(request), new JobControl());

        assertEquals(Action.COMMIT, outcome.action());
        JobEvent event = onlyTerminal();
        assertEquals(EventType.CANCELLED, event.type());
        assertFalse(objects.checkpoints.containsKey(request.jobId()));
    }

    @Test
    void revokedDuringTheRunAbandonsWithACheckpointAndNoTerminalEvent() {
        JobRequest request = request();
        JobControl control = new JobControl();
        FakeStylizer stylizer = new FakeStylizer((r, resume, listener, stop) -> {
            listener.onIteration(JobRunnerFakes.report(2, ITERATIONS));
            control.revoke(); // the polling thread lost the partition
            assertTrue(stop.getAsBoolean());
            throw new TransferCancelledException(JobRunnerFakes.state(2));
        });

        JobOutcome outcome = runner(stylizer).handle(record(request), control);

        assertEquals(Action.ABANDON, outcome.action());
        assertTrue(events.terminals().isEmpty());
        assertFalse(objects.markers.containsKey(request.jobId()));
        Checkpoint c = objects.checkpoints.get(request.jobId());
        assertNotNull(c, "the stopped job leaves a checkpoint for the next owner");
        assertEquals(2, c.iteration());
        assertEquals(ITERATIONS, c.totalIterations());
    }

    @Test
    void shutdownDuringTheRunAbandonsWithACheckpoint() {
        JobRequest request = request();
        JobControl control = new JobControl();
        FakeStylizer stylizer = new FakeStylizer((r, resume, listener, stop) -> {
            control.shutdown();
            throw new TransferCancelledException(JobRunnerFakes.state(3));
        });

        JobOutcome outcome = runner(stylizer).handle(record(request), control);

        assertEquals(Action.ABANDON, outcome.action());
        assertEquals(3, objects.checkpoints.get(request.jobId()).iteration());
        assertTrue(events.terminals().isEmpty());
    }

    @Test
    void shutdownBetweenTwoTilesAbandonsAndKeepsThePreviousCheckpoint() {
        JobRequest request = request();
        JobControl control = new JobControl();
        objects.checkpoints.put(request.jobId(), checkpoint(request, 2));
        FakeStylizer stylizer = new FakeStylizer((r, resume, listener, stop) -> {
            control.shutdown();
            // a tiled level stopped inside iteration 4: the half-stepped iterate is not offered
            throw TransferCancelledException.duringIteration(3);
        });

        JobOutcome outcome = runner(stylizer).handle(record(request), control);

        assertEquals(Action.ABANDON, outcome.action());
        assertEquals(2, objects.checkpoints.get(request.jobId()).iteration(), "the next owner resumes from it");
        assertTrue(events.terminals().isEmpty());
    }

    @Test
    void cancelledBetweenTwoTilesCommitsCancelledNamingTheLastIterationCompleted() {
        JobRequest request = request();
        FakeStylizer stylizer = new FakeStylizer((r, resume, listener, stop) -> {
            listener.onIteration(JobRunnerFakes.report(3, ITERATIONS));
            cancelled.add(r.jobId());
            throw TransferCancelledException.duringIteration(3);
        });

        JobOutcome outcome = runner(stylizer).handle(record(request), new JobControl());

        assertEquals(Action.COMMIT, outcome.action());
        JobEvent event = onlyTerminal();
        assertEquals(EventType.CANCELLED, event.type());
        assertEquals("cancelled at iteration 3", event.failure().message());
    }

    @Test
    void haltedDuringTheRunAbandonsWithoutACheckpoint() {
        JobRequest request = request();
        JobControl control = new JobControl();
        FakeStylizer stylizer = new FakeStylizer((r, resume, listener, stop) -> {
            control.halt();
            throw new TransferCancelledException(JobRunnerFakes.state(3));
        });

        JobOutcome outcome = runner(stylizer).handle(record(request), control);

        assertEquals(Action.ABANDON, outcome.action());
        assertTrue(objects.checkpoints.isEmpty());
        assertTrue(events.terminals().isEmpty());
    }

    @Test
    void finishingAfterThePartitionMovedAbandonsWithoutStoringTheResult() {
        JobRequest request = request();
        JobControl control = new JobControl();
        FakeStylizer stylizer = new FakeStylizer((r, resume, listener, stop) -> {
            Stylized s = JobRunnerFakes.finished(r, resume, listener);
            control.revoke();
            return s;
        });

        JobOutcome outcome = runner(stylizer).handle(record(request), control);

        assertEquals(Action.ABANDON, outcome.action());
        assertTrue(objects.results.isEmpty());
        assertTrue(events.terminals().isEmpty());
    }

    @Test
    void partitionMovingWhileTheResultIsStoredAbandonsBeforeTheTerminalEvent() {
        JobRequest request = request();
        JobControl control = new JobControl();
        objects.onSaveTerminal = control::revoke;

        JobOutcome outcome = runner(finishing()).handle(record(request), control);

        assertEquals(Action.ABANDON, outcome.action());
        assertTrue(events.terminals().isEmpty(), "the new owner replays the stored marker");
        assertNotNull(objects.markers.get(request.jobId()));
    }

    @Test
    void stoppingBeforeTheJobStartedAbandonsWithoutEvents() {
        FakeStylizer stylizer = finishing();
        JobControl control = new JobControl();
        control.shutdown();

        JobOutcome outcome = runner(stylizer).handle(record(request()), control);

        assertEquals(Action.ABANDON, outcome.action());
        assertTrue(events.published.isEmpty());
        assertEquals(0, stylizer.prepared);
    }

    @Test
    void invalidRequestFailsWithADeadLetterAndCommits() {
        FakeStylizer stylizer = finishing();
        JobRequest request = request(JobOptions.builder().size(64).iterations(ITERATIONS)
                .contentLayers(List.of("conv9_9")).build());

        JobOutcome outcome = runner(stylizer).handle(record(request), new JobControl());

        assertEquals(Action.COMMIT, outcome.action());
        JobEvent event = onlyTerminal();
        assertEquals(EventType.FAILED, event.type());
        assertEquals(ErrorCode.INVALID_REQUEST, event.failure().code());
        assertEquals(1, events.deadLetters.size());
        assertEquals(request.jobId(), events.deadLetters.get(0).jobId());
        assertEquals(0, stylizer.prepared);
    }

    @Test
    void unacknowledgedDeadLetterRedeliversBeforeAnyTerminalEvent() {
        JobRequest request = request(JobOptions.builder().size(64).iterations(ITERATIONS)
                .contentLayers(List.of("conv9_9")).build());
        events.refuseDeadLetter = 1;

        JobOutcome outcome = runner(finishing()).handle(record(request), new JobControl());

        assertEquals(Action.REDELIVER, outcome.action());
        assertTrue(events.terminals().isEmpty());
    }

    @Test
    void undecodableMessageWithAJobIdKeyIsDeadLetteredAndFailsThatJob() {
        String jobId = UUID.randomUUID().toString();
        JobMessage garbage = new JobMessage("ist.jobs", 0, 3L, jobId,
                "{not json".getBytes(StandardCharsets.UTF_8));

        JobOutcome outcome = runner(finishing()).handle(garbage, new JobControl());

        assertEquals(Action.COMMIT, outcome.action());
        assertEquals(1, events.deadLetters.size());
        JobEvent event = onlyTerminal();
        assertEquals(jobId, event.jobId());
        assertEquals(EventType.FAILED, event.type());
        assertEquals(ErrorCode.MALFORMED_MESSAGE, event.failure().code());
    }

    @Test
    void undecodableMessageWithoutAJobIdIsOnlyDeadLettered() {
        JobMessage garbage = new JobMessage("ist.jobs", 0, 3L, "not-a-job",
                new byte[] {1, 2, 3});

        JobOutcome outcome = runner(finishing()).handle(garbage, new JobControl());

        assertEquals(Action.COMMIT, outcome.action());
        assertEquals(1, events.deadLetters.size());
        assertTrue(events.published.isEmpty());
    }

    @Test
    void storageOutagePastTheRetryBudgetFailsWithStorageUnavailableAndNoDeadLetter() {
        FakeStylizer stylizer = finishing();
        objects.failuresLeft = Integer.MAX_VALUE;

        JobOutcome outcome = runner(stylizer).handle(record(request()), new JobControl());

        assertEquals(Action.COMMIT, outcome.action());
        JobEvent event = onlyTerminal();
        assertEquals(ErrorCode.STORAGE_UNAVAILABLE, event.failure().code());
        assertTrue(events.deadLetters.isEmpty(), "a storage outage is not the request's fault");
        assertEquals(0, stylizer.prepared);
    }

    @Test
    void storageOutageWhileStoppingAbandonsInsteadOfFailing() {
        JobControl control = new JobControl();
        FakeStylizer stylizer = new FakeStylizer((r, resume, listener, stop) -> {
            Stylized s = JobRunnerFakes.finished(r, resume, listener);
            objects.failuresLeft = Integer.MAX_VALUE;
            control.shutdown();
            return s;
        });

        JobOutcome outcome = runner(stylizer).handle(record(request()), control);

        assertEquals(Action.ABANDON, outcome.action());
        assertTrue(events.terminals().isEmpty());
    }

    @Test
    void shortStorageOutageWithinTheRetryBudgetOnlyDelaysTheJob() {
        objects.failuresLeft = 2; // attempts = 3

        JobOutcome outcome = runner(finishing()).handle(record(request()), new JobControl());

        assertEquals(Action.COMMIT, outcome.action());
        assertEquals(EventType.SUCCEEDED, onlyTerminal().type());
    }

    @Test
    void outOfMemoryFailsWithTheSizeThatShouldFit() {
        FakeStylizer stylizer = new FakeStylizer((r, resume, listener, stop) -> {
            throw new EngineOutOfMemoryException("CUDA out of memory", 48, null);
        });

        JobOutcome outcome = runner(stylizer).handle(record(request()), new JobControl());

        assertEquals(Action.COMMIT, outcome.action());
        JobEvent event = onlyTerminal();
        assertEquals(ErrorCode.OUT_OF_MEMORY, event.failure().code());
        assertTrue(event.failure().message().contains("try size 48"), event.failure().message());
        assertFalse(event.failure().message().contains("--size"), "API users get no CLI flags");
        assertEquals(1, events.deadLetters.size());
    }

    @Test
    void anOptimisationThatWentNonFiniteFailsWithItsOwnCodeAndNoResult() {
        FakeStylizer stylizer = new FakeStylizer((r, resume, listener, stop) -> {
            throw new NonFiniteLossException("the optimisation went non-finite at iteration 7 (64x48, level 1 of 1, "
                    + "lbfgs, FP32): still not finite (loss NaN) after 10 shorter steps from the last finite point",
                    null);
        });

        JobOutcome outcome = runner(stylizer).handle(record(request()), new JobControl());

        assertEquals(Action.COMMIT, outcome.action());
        JobEvent event = onlyTerminal();
        assertEquals(ErrorCode.NON_FINITE_LOSS, event.failure().code());
        assertTrue(event.failure().message().contains("iteration 7") && event.failure().message().contains("loss NaN"),
                event.failure().message());
        assertTrue(objects.results.isEmpty(), "no result is stored");
    }

    @Test
    void optionsTheStylizerRefusesFailBeforeRunningIsAnnounced() {
        FakeStylizer refusing = new FakeStylizer(null) {
            @Override
            public Prepared prepare(JobRequest request, JobInputs inputs, dev.ist.worker.engine.EngineState resume) {
                throw new InvalidSpecException("styleScale too small for this network");
            }
        };

        JobOutcome outcome = runner(refusing).handle(record(request()), new JobControl());

        assertEquals(Action.COMMIT, outcome.action());
        assertEquals(ErrorCode.INVALID_REQUEST, onlyTerminal().failure().code());
        assertTrue(events.published.stream().noneMatch(e -> e.type() == EventType.RUNNING));
    }

    @Test
    void unexpectedErrorFailsAsInternalWithoutADeadLetter() {
        FakeStylizer stylizer = new FakeStylizer((r, resume, listener, stop) -> {
            throw new IllegalStateException("bug");
        });

        JobOutcome outcome = runner(stylizer).handle(record(request()), new JobControl());

        assertEquals(Action.COMMIT, outcome.action());
        assertEquals(ErrorCode.INTERNAL, onlyTerminal().failure().code());
        assertTrue(events.deadLetters.isEmpty());
    }

    @Test
    void checkpointOfTheSameJobIsResumedAndRunningCarriesItsIteration() {
        JobRequest request = request();
        FakeStylizer stylizer = finishing();
        objects.checkpoints.put(request.jobId(), checkpoint(request, 2));

        JobOutcome outcome = runner(stylizer).handle(record(request), new JobControl());

        assertEquals(Action.COMMIT, outcome.action());
        assertEquals(2, stylizer.lastResume.iteration());
        assertEquals(EventSeq.running(2), events.published.get(0).seq());
        assertFalse(objects.checkpoints.containsKey(request.jobId()), "a finished job's checkpoint is dropped");
    }

    @Test
    void theJobModePicksTheStylizer() {
        FakeStylizer optimise = finishing();
        FakeStylizer fast = finishing();
        JobRequest request = request(JobOptions.builder().size(64).iterations(ITERATIONS).mode(JobMode.FAST)
                .model("mosaic").build());

        JobOutcome outcome = runner(Map.of(JobMode.OPTIMIZE, optimise, JobMode.FAST, fast))
                .handle(record(request), new JobControl());

        assertEquals(Action.COMMIT, outcome.action(), outcome.detail());
        assertEquals(1, fast.runs);
        assertEquals(0, optimise.prepared);
    }

    @Test
    void aModeWithoutAStylizerFailsAsInvalidRequest() {
        JobRequest request = request(JobOptions.builder().size(64).iterations(ITERATIONS).mode(JobMode.FAST)
                .model("mosaic").build());

        JobOutcome outcome = runner(finishing()).handle(record(request), new JobControl());

        assertEquals(Action.COMMIT, outcome.action());
        assertEquals(ErrorCode.INVALID_REQUEST, onlyTerminal().failure().code());
    }

    @Test
    void aDurableCancelMarkerStopsAQueuedJobWithoutTheControlTopic() {
        FakeStylizer stylizer = finishing();
        JobRequest request = request();
        ownership.cancelMarkers.add(request.jobId()); // the control topic's memory of it is gone

        JobOutcome outcome = runner(stylizer).handle(record(request), new JobControl());

        assertEquals(Action.COMMIT, outcome.action());
        JobEvent event = onlyTerminal();
        assertEquals(EventType.CANCELLED, event.type());
        assertEquals(0, stylizer.prepared);
        assertTrue(ownership.claims.isEmpty(), "a cancelled job is not claimed");
    }

    @Test
    void aJobThatKeepsKillingItsWorkersFailsWithCrashLoopAndIsNotRunAgain() {
        FakeStylizer stylizer = finishing();
        JobRequest request = request();
        ownership.earlierCrashes = 3; // ist.worker.max-job-attempts defaults to 3
        ownership.earlierWorkers.addAll(List.of("w7", "w8", "w9"));

        JobOutcome outcome = runner(stylizer).handle(record(request), new JobControl());

        assertEquals(Action.COMMIT, outcome.action());
        JobEvent event = onlyTerminal();
        assertEquals(ErrorCode.CRASH_LOOP, event.failure().code());
        assertTrue(event.failure().message().contains("w7, w8, w9, w1"), event.failure().message());
        assertEquals(1, events.deadLetters.size(), "a crash loop is permanent: dead-lettered");
        assertEquals(ErrorCode.CRASH_LOOP, events.deadLetters.get(0).code());
        assertEquals(0, stylizer.prepared);
    }

    @Test
    void twoEarlierCrashesStillRun() {
        ownership.earlierCrashes = 2;

        JobOutcome outcome = runner(finishing()).handle(record(request()), new JobControl());

        assertEquals(Action.COMMIT, outcome.action());
        assertEquals(EventType.SUCCEEDED, onlyTerminal().type());
    }

    @Test
    void aJobTooLargeForThisWorkerFailsBeforeRunningWithTheSizeThatFits() {
        FakeStylizer stylizer = finishing();
        memory = (options, w, h, prepared) -> new JobMemoryCheck.Verdict(false,
                "needs about 9000 MiB but this worker's budget is 1000 MiB; the largest size that fits is 700 px");

        JobOutcome outcome = runner(stylizer).handle(record(request()), new JobControl());

        assertEquals(Action.COMMIT, outcome.action());
        JobEvent event = onlyTerminal();
        assertEquals(ErrorCode.TOO_LARGE_FOR_WORKER, event.failure().code());
        assertTrue(event.failure().message().contains("700 px"), event.failure().message());
        assertTrue(events.published.stream().noneMatch(e -> e.type() == EventType.RUNNING));
        assertEquals(0, stylizer.runs);
        assertEquals(1, events.deadLetters.size());
        assertEquals(64, preflightSizes.get(0)[0], "the output size (content 4x4 scaled to size 64)");
        assertEquals(64, preflightSizes.get(0)[1]);
    }

    @Test
    void supersededDuringTheRunAbandonsWithoutAnyTerminalEventOrResult() {
        JobRequest request = request();
        JobControl control = new JobControl();
        FakeStylizer stylizer = new FakeStylizer((r, resume, listener, stop) -> {
            listener.onIteration(JobRunnerFakes.report(1, ITERATIONS));
            ownership.supersede(); // another worker claimed the job while this one was paused
            listener.onIteration(JobRunnerFakes.report(2, ITERATIONS));
            assertTrue(stop.getAsBoolean(), "a refused write stops the run");
            throw new TransferCancelledException(JobRunnerFakes.state(2));
        });

        JobOutcome outcome = runner(stylizer, 2).handle(record(request), control);

        assertEquals(Action.ABANDON, outcome.action());
        assertTrue(events.terminals().isEmpty());
        assertTrue(events.deadLetters.isEmpty());
        assertTrue(objects.results.isEmpty());
        assertFalse(objects.checkpoints.containsKey(request.jobId()), "its checkpoint write was refused");
        assertEquals(0, ownership.stoppedCleanly, "a superseded attempt leaves the counter to the new owner");
    }

    @Test
    void supersededRightBeforeTheTerminalEventPublishesNothing() {
        JobRequest request = request();
        objects.onSaveTerminal = ownership::supersede; // the takeover lands after the marker's write

        JobOutcome outcome = runner(finishing()).handle(record(request), new JobControl());

        assertEquals(Action.ABANDON, outcome.action());
        assertTrue(events.terminals().isEmpty(), "the owner check before the event refuses it");
        assertEquals(1, ownership.released);
    }

    @Test
    void supersededBeforeAFailureSendsNeitherFailedNorADeadLetter() {
        ownership.supersede();
        FakeStylizer stylizer = new FakeStylizer((r, resume, listener, stop) -> {
            throw new EngineOutOfMemoryException("out of memory", 48, null);
        });

        JobOutcome outcome = runner(stylizer).handle(record(request()), new JobControl());

        assertEquals(Action.ABANDON, outcome.action());
        assertTrue(events.terminals().isEmpty());
        assertTrue(events.deadLetters.isEmpty());
    }

    @Test
    void aRevokedAttemptIsRecordedAsStoppedCleanly() {
        JobControl control = new JobControl();
        FakeStylizer stylizer = new FakeStylizer((r, resume, listener, stop) -> {
            control.revoke();
            throw new TransferCancelledException(JobRunnerFakes.state(2));
        });

        runner(stylizer).handle(record(request()), control);

        assertEquals(1, ownership.stoppedCleanly);
    }

    @Test
    void aHaltedAttemptStaysCountedAsACrash() {
        JobControl control = new JobControl();
        FakeStylizer stylizer = new FakeStylizer((r, resume, listener, stop) -> {
            control.halt();
            throw new TransferCancelledException(JobRunnerFakes.state(2));
        });

        runner(stylizer).handle(record(request()), control);

        assertEquals(0, ownership.stoppedCleanly);
    }

    @Test
    void aFailedJobLosesItsCheckpointToo() {
        JobRequest request = request();
        objects.checkpoints.put(request.jobId(), checkpoint(request, 2));
        FakeStylizer stylizer = new FakeStylizer((r, resume, listener, stop) -> {
            throw new IllegalStateException("bug");
        });

        JobOutcome outcome = runner(stylizer).handle(record(request), new JobControl());

        assertEquals(Action.COMMIT, outcome.action());
        assertEquals(EventType.FAILED, onlyTerminal().type());
        assertFalse(objects.checkpoints.containsKey(request.jobId()));
    }

    private static Checkpoint checkpoint(JobRequest request, int iteration) {
        return new Checkpoint(request.jobId(), iteration, EventSeq.progress(iteration), ITERATIONS, "w0",
                Instant.now(), JobRunnerFakes.state(iteration));
    }
}
