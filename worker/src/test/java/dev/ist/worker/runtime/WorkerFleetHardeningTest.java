package dev.ist.worker.runtime;

import dev.ist.common.event.DeadLetter;
import dev.ist.common.event.ErrorCode;
import dev.ist.common.event.EventType;
import dev.ist.common.event.JobEvent;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.JobRequest;
import dev.ist.common.job.Optimizer;
import dev.ist.common.storage.CancelMarker;
import dev.ist.testkit.TestImages;
import dev.ist.common.capacity.MemoryModel;
import dev.ist.worker.runtime.fleet.AttemptCounter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fleet-hardening decisions of the runner on a real broker and S3 server: a job cancelled only durably (no
 * control message at all) never runs, a cancel seen on the control topic is made durable, a job that keeps killing
 * its workers ends FAILED CRASH_LOOP, and a size-2048 job is refused TOO_LARGE_FOR_WORKER on a worker whose memory
 * budget cannot hold it but runs on one whose budget can.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkerFleetHardeningTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final long MIB = 1L << 20;

    private WorkerHarness h;
    private ImageRef content;
    private ImageRef style;

    @BeforeAll
    void start() {
        h = new WorkerHarness("hardening");
        content = h.upload(TestImages.gradientPng(40, 30));
        style = h.upload(TestImages.checkerboardPng(24, 24, 4));
    }

    @AfterAll
    void stop() {
        h.close();
    }

    @Test
    void aJobCancelledOnlyByItsDurableMarkerNeverRuns() {
        Worker w = h.startWorker("hardening-cancel");
        try {
            JobRequest job = h.request(content, style, WorkerHarness.tinyOptions(32, 6).build());
            // what the gateway writes when it accepts a cancel; the control topic never hears of it
            new CancelMarker(h.store, Clock.systemUTC()).mark(job.jobId(), "gateway", null);

            h.submit(job);

            JobEvent done = h.awaitTerminal(job.jobId(), WAIT);
            assertEquals(EventType.CANCELLED, done.type(), () -> "events: " + h.events(job.jobId()));
            assertEquals(0, WorkerHarness.count(h.events(job.jobId()), EventType.RUNNING), "it never ran");
        } finally {
            h.stopWorker(w);
        }
    }

    @Test
    void aCancelSeenOnTheControlTopicIsRecordedInTheJobsPrefix() {
        Worker w = h.startWorker("hardening-marker");
        try {
            String jobId = UUID.randomUUID().toString();
            CancelMarker markers = new CancelMarker(h.store, Clock.systemUTC());

            h.cancel(jobId); // before the job was even submitted

            WorkerHarness.await("cancel marker of " + jobId, WAIT, () -> markers.isCancelled(jobId));
            assertEquals("hardening-marker", markers.read(jobId).orElseThrow().seenBy());
        } finally {
            h.stopWorker(w);
        }
    }

    @Test
    void aJobThatKilledItsWorkerTooOftenFailsWithCrashLoop() {
        Map<String, String> settings = h.workerSettings("crash-1");
        settings.put("ist.worker.max-job-attempts", "1");
        Worker first = h.startWorker(settings);
        JobRequest job = h.request(content, style, WorkerHarness.tinyOptions(32, 2000)
                .optimizer(Optimizer.ADAM).learningRate(0.02).build());
        h.submit(job);
        h.awaitEvent(job.jobId(), e -> e.type() == EventType.RUNNING, WAIT);

        h.haltWorker(first); // killed mid-job: no checkpoint, no event, no commit, no "stopped cleanly"
        settings.put("ist.worker.id", "crash-2");
        Worker second = h.startWorker(settings);
        try {
            JobEvent done = h.awaitTerminal(job.jobId(), WAIT);

            assertEquals(EventType.FAILED, done.type(), () -> "events: " + h.events(job.jobId()));
            assertEquals(ErrorCode.CRASH_LOOP, done.failure().code());
            assertTrue(done.failure().message().contains("crash-1, crash-2"), done.failure().message());
            assertEquals(1, WorkerHarness.count(h.events(job.jobId()), EventType.RUNNING), "not run again");
            WorkerHarness.await("dead letter of " + job.jobId(), WAIT, () -> h.deadLetters.stream()
                    .anyMatch(d -> job.jobId().equals(d.jobId()) && d.code() == ErrorCode.CRASH_LOOP));
            AttemptCounter.Attempts attempts = new AttemptCounter(h.store, Clock.systemUTC()).read(job.jobId())
                    .orElseThrow();
            assertEquals(2, attempts.started());
            assertEquals(List.of("crash-1", "crash-2"), attempts.lastWorkers());
        } finally {
            h.stopWorker(second);
        }
    }

    @Test
    void aSize2048JobIsRefusedOnASmallBudgetAndRunsOnOneThatFitsIt() {
        // 4:1 content, so the 2048 px output is 2048×512 (1 Mpx): cheap on the tiny test network
        ImageRef wide = h.upload(TestImages.gradientPng(256, 64));
        // the budget subtracts this JVM's heap above the model's measured ceiling; add it back so the figures hold
        long heapAbove = Math.max(0, Runtime.getRuntime().maxMemory() - MemoryModel.MEASURED_MAX_HEAP);

        Map<String, String> small = h.workerSettings("budget-small");
        small.put("ist.worker.memory-margin", "0");
        // 1 GiB: a 2048×512 Adam job needs ~1.25 GiB even with the smallest (128 px) tiles, so tiling cannot save it
        small.put("ist.worker.memory-limit-bytes", Long.toString(heapAbove + 1024 * MIB));
        Worker refusing = h.startWorker(small);
        JobRequest big = h.request(wide, style, WorkerHarness.tinyOptions(2048, 2).optimizer(Optimizer.ADAM)
                .learningRate(0.02).build());
        JobEvent refused;
        try {
            h.submit(big);
            refused = h.awaitTerminal(big.jobId(), WAIT);
        } finally {
            h.stopWorker(refusing);
        }
        assertEquals(EventType.FAILED, refused.type(), () -> "events: " + h.events(big.jobId()));
        assertEquals(ErrorCode.TOO_LARGE_FOR_WORKER, refused.failure().code());
        assertEquals(0, WorkerHarness.count(h.events(big.jobId()), EventType.RUNNING), "refused before it started");
        Matcher m = Pattern.compile("largest size that fits is (\\d+) px").matcher(refused.failure().message());
        assertTrue(m.find(), refused.failure().message());
        int fits = Integer.parseInt(m.group(1));
        assertTrue(fits > 256 && fits < 2048, "a useful size that fits: " + fits);

        Map<String, String> large = h.workerSettings("budget-large");
        large.put("ist.worker.memory-margin", "0");
        large.put("ist.worker.memory-limit-bytes", Long.toString(heapAbove + 6144 * MIB));
        Worker fitting = h.startWorker(large);
        try {
            JobRequest again = h.request(wide, style, big.options());
            h.submit(again);
            JobEvent done = h.awaitTerminal(again.jobId(), WAIT);
            assertEquals(EventType.SUCCEEDED, done.type(), () -> "events: " + h.events(again.jobId()));
            assertEquals(2048, done.progress().width());
            assertEquals(512, done.progress().height());
        } finally {
            h.stopWorker(fitting);
        }
        List<DeadLetter> letters = h.deadLetters.stream().filter(d -> big.jobId().equals(d.jobId())).toList();
        assertEquals(ErrorCode.TOO_LARGE_FOR_WORKER, letters.get(0).code());
    }
}
