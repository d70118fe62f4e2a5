package dev.ist.worker.runtime;

import dev.ist.common.event.EventType;
import dev.ist.common.event.JobEvent;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.JobRequest;
import dev.ist.common.job.Priority;
import dev.ist.testkit.TestImages;
import dev.ist.worker.engine.IterationListener;
import dev.ist.worker.engine.TransferResult;
import dev.ist.worker.engine.TransferSpec;
import dev.ist.worker.engine.weights.RandomWeights;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Priority lanes with one worker over the real broker and S3 server: jobs queued behind a busy worker start
 * HIGH first, then NORMAL, then LOW, whatever order they were submitted in, and every one of them runs.
 */
class WorkerPriorityLanesTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    private WorkerHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    /** Holds the first transfer until released, so the worker is busy while the others are queued. */
    private static final class FirstJobHeld extends WorkerHarness.DelegatingEngine {
        final CountDownLatch release = new CountDownLatch(1);
        private final AtomicBoolean first = new AtomicBoolean(true);

        FirstJobHeld(dev.ist.worker.runtime.job.EngineHandle engine) {
            super(engine);
        }

        @Override
        public TransferResult stylize(TransferSpec spec, IterationListener listener, BooleanSupplier cancelled) {
            if (first.getAndSet(false)) {
                try {
                    release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return engine.stylize(spec, listener, cancelled);
        }
    }

    @Test
    void jobsQueuedBehindABusyWorkerRunHighThenNormalThenLow() throws Exception {
        h = new WorkerHarness("lanes");
        FirstJobHeld[] held = new FirstJobHeld[1];
        h.startWorker(h.workerSettings("lanes-worker"),
                RandomWeights.create(7, WorkerHarness.TINY_CHANNELS, WorkerHarness.TINY_CHANNELS.length),
                e -> held[0] = new FirstJobHeld(e));
        ImageRef content = h.upload(TestImages.gradientPng(40, 30));
        ImageRef style = h.upload(TestImages.checkerboardPng(24, 24, 4));
        var options = WorkerHarness.tinyOptions(32, 3).build();

        JobRequest busy = h.request(content, style, options);
        h.submit(busy);
        h.awaitEvent(busy.jobId(), e -> e.type() == EventType.RUNNING, WAIT);

        // queued while the worker is busy, lowest lane first
        JobRequest low = h.request(content, style, options).withPriority(Priority.LOW);
        JobRequest normal = h.request(content, style, options).withPriority(Priority.NORMAL);
        JobRequest high = h.request(content, style, options).withPriority(Priority.HIGH);
        for (JobRequest r : List.of(low, normal, high)) {
            h.submit(r); // acknowledged by the broker before the next line
        }
        held[0].release.countDown();

        for (JobRequest r : List.of(busy, low, normal, high)) {
            assertEquals(EventType.SUCCEEDED, h.awaitTerminal(r.jobId(), WAIT).type(),
                    () -> "events of " + r.jobId() + ": " + h.events(r.jobId()));
        }
        List<String> startOrder = List.of(busy, low, normal, high).stream()
                .sorted(Comparator.comparing((JobRequest r) -> running(r).at()).thenComparing(r -> running(r).seq()))
                .map(r -> r == busy ? "busy" : r.lane().name())
                .toList();
        assertEquals(List.of("busy", "HIGH", "NORMAL", "LOW"), startOrder);
        // one job at a time: each started after the one before it ended
        List<JobRequest> inOrder = List.of(busy, high, normal, low);
        for (int i = 1; i < inOrder.size(); i++) {
            JobEvent previousEnd = h.awaitTerminal(inOrder.get(i - 1).jobId(), WAIT);
            assertTrue(!running(inOrder.get(i)).at().isBefore(previousEnd.at()),
                    "job " + i + " started before the previous one ended");
        }
        // every lane's offset was committed after its job: nothing is left to redeliver
        WorkerHarness.await("lane offsets committed", WAIT, () -> h.committedTotal() >= 4);
    }

    private JobEvent running(JobRequest r) {
        return h.events(r.jobId()).stream().filter(e -> e.type() == EventType.RUNNING).findFirst().orElseThrow();
    }
}
