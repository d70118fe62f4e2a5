package dev.ist.worker.runtime;

import dev.ist.common.event.EventType;
import dev.ist.common.event.JobEvent;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.JobRequest;
import dev.ist.testkit.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A cancel sent while no worker was running still stops the job: a starting worker reads the recent control history. */
class WorkerControlHistoryTest {

    private WorkerHarness h;

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void cancelPublishedBeforeAnyWorkerStartedSkipsTheJob() {
        h = new WorkerHarness("history");
        ImageRef content = h.upload(TestImages.gradientPng(32, 32));
        ImageRef style = h.upload(TestImages.checkerboardPng(32, 32, 4));
        JobRequest cancelled = h.request(content, style, WorkerHarness.tinyOptions(32, 5).build());
        JobRequest other = h.request(content, style, WorkerHarness.tinyOptions(32, 3).build());
        h.cancel(cancelled.jobId());
        h.submit(cancelled);
        h.submit(other);

        h.startWorker("history-worker");

        JobEvent done = h.awaitTerminal(cancelled.jobId(), Duration.ofSeconds(60));
        assertEquals(EventType.CANCELLED, done.type());
        assertEquals(List.of(done), h.events(cancelled.jobId()), "it never ran");
        assertEquals(EventType.SUCCEEDED, h.awaitTerminal(other.jobId(), Duration.ofSeconds(60)).type());
    }
}
