package dev.ist.worker.runtime;

import dev.ist.common.ObjectKeys;
import dev.ist.common.event.EventType;
import dev.ist.common.event.JobEvent;
import dev.ist.common.job.JobRequest;
import dev.ist.common.job.Optimizer;
import dev.ist.testkit.TestImages;
import dev.ist.worker.engine.weights.RandomWeights;
import dev.ist.worker.runtime.job.Checkpoint;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real worker process ({@link WorkerMain}, configured by system properties, random weights asked for by name) gets
 * SIGTERM in the middle of a job: it checkpoints, publishes nothing terminal, commits nothing and exits; a worker
 * started afterwards resumes the job from that checkpoint.
 */
class WorkerSigtermTest {

    private static final Duration WAIT = Duration.ofSeconds(120);

    private WorkerHarness h;
    private Process child;

    @AfterEach
    void cleanUp() {
        if (child != null && child.isAlive()) {
            child.destroyForcibly();
        }
        if (h != null) {
            h.close();
        }
    }

    @Test
    void sigtermMidJobCheckpointsLeavesUncommittedAndExitsThenTheJobResumes() throws Exception {
        h = new WorkerHarness("sigterm");
        Map<String, String> settings = h.workerSettings("sigterm-child");
        settings.put("ist.worker.random-weights", "1");
        settings.put("ist.worker.checkpoint-every", "1000"); // so the checkpoint we find is the one SIGTERM wrote
        // precision is not what this is about: AUTO would first calibrate this machine (seconds, more where bf16 is
        // emulated), and the job's progress is what the wait below times
        settings.put("ist.worker.precision", "FP32");
        child = startWorkerProcess(settings, Path.of("target", "sigterm-child.log"));

        JobRequest job = h.request(h.upload(TestImages.gradientPng(32, 32)),
                h.upload(TestImages.checkerboardPng(32, 32, 4)),
                WorkerHarness.tinyOptions(32, 40).optimizer(Optimizer.ADAM).learningRate(0.02).build());
        RecordMetadata where = h.submit(job);
        h.awaitEvent(job.jobId(), e -> e.type() == EventType.PROGRESS && e.progress().iteration() >= 5, WAIT);

        child.destroy(); // SIGTERM
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the worker process exits after SIGTERM");

        Checkpoint checkpoint = Checkpoint.fromBytes(h.store.get(ObjectKeys.checkpoint(job.jobId())));
        assertEquals("sigterm-child", checkpoint.workerId());
        assertTrue(checkpoint.iteration() >= 5, "checkpointed where it stopped: " + checkpoint.iteration());
        assertTrue(h.events(job.jobId()).stream().noneMatch(JobEvent::isTerminal), "no terminal event");
        assertTrue(h.committedOffset(where.partition()) <= where.offset(), "not committed");

        h.startWorker(h.workerSettings("sigterm-successor"), RandomWeights.vgg19(1));
        JobEvent done = h.awaitTerminal(job.jobId(), WAIT);
        assertEquals(EventType.SUCCEEDED, done.type(), () -> "events: " + h.events(job.jobId()));
        assertEquals("sigterm-successor", done.workerId());
        JobEvent resumed = h.events(job.jobId()).stream()
                .filter(e -> e.workerId().equals("sigterm-successor") && e.type() == EventType.PROGRESS)
                .findFirst().orElseThrow();
        assertTrue(resumed.progress().iteration() >= checkpoint.iteration(),
                "resumed at " + resumed.progress().iteration() + ", not from the start");
    }

    private static Process startWorkerProcess(Map<String, String> settings, Path log) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Dai.djl.offline=true");
        command.add("-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn");
        settings.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(WorkerMain.class.getName());
        Files.createDirectories(log.toAbsolutePath().getParent());
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

}
