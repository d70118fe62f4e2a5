package dev.ist.worker.runtime;

import dev.ist.common.event.EventType;
import dev.ist.common.event.JobEvent;
import dev.ist.common.job.JobRequest;
import dev.ist.common.job.Optimizer;
import dev.ist.testkit.S3Server;
import dev.ist.testkit.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.awt.image.BufferedImage;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Storage goes away in the middle of a job and comes back: the job still finishes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkerStorageOutageTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    private S3Server s3;
    private WorkerHarness h;

    @BeforeAll
    void start() {
        s3 = S3Server.start(); // private: this test stops it
        h = new WorkerHarness("outage", s3);
        h.startWorker("outage-worker");
    }

    @AfterAll
    void stop() {
        h.close();
        s3.close();
    }

    @Test
    void jobFinishesWhenStorageIsStoppedAndRestartedDuringIt() throws Exception {
        JobRequest job = h.request(h.upload(TestImages.gradientPng(48, 32)),
                h.upload(TestImages.checkerboardPng(32, 32, 4)),
                WorkerHarness.tinyOptions(48, 400).optimizer(Optimizer.ADAM).learningRate(0.02).build());
        h.submit(job);
        h.awaitEvent(job.jobId(), e -> e.type() == EventType.PROGRESS && e.progress().iteration() >= 5, WAIT);

        s3.stop();
        Thread.sleep(3000);
        assertTrue(h.events(job.jobId()).stream().noneMatch(JobEvent::isTerminal),
                "the job could not finish while storage was down");
        s3.restart();

        JobEvent done = h.awaitTerminal(job.jobId(), WAIT);
        assertEquals(EventType.SUCCEEDED, done.type(), () -> "events: " + h.events(job.jobId()));
        BufferedImage result = TestImages.decode(h.store.get(done.resultKey()));
        assertEquals(48, result.getWidth());
        assertEquals(32, result.getHeight());
    }
}
