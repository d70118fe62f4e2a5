package dev.ist.worker.runtime;

import dev.ist.common.ObjectKeys;
import dev.ist.common.event.EventType;
import dev.ist.common.event.JobEvent;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.JobRequest;
import dev.ist.common.job.Optimizer;
import dev.ist.testkit.TestImages;
import dev.ist.worker.runtime.fleet.JobFence;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fleet issue's fencing scenario with a real process: a worker in its own JVM is suspended with
 * {@code kill -STOP} mid-job for longer than its session timeout, a second worker takes the job over and finishes it,
 * then the first is resumed with {@code kill -CONT}. The stale worker never heard of the rebalance, yet storage
 * refuses its writes: exactly one SUCCEEDED on the events topic, the result object unchanged after the resume, and no
 * checkpoint left behind by the stale attempt.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StaleWorkerFencingTest {

    private static final Duration WAIT = Duration.ofSeconds(120);

    private WorkerHarness h;
    private Process stale;
    private Path staleLog;
    private ImageRef content;
    private ImageRef style;

    @BeforeAll
    void start() throws IOException {
        h = new WorkerHarness("fencing");
        content = h.upload(TestImages.gradientPng(40, 30));
        style = h.upload(TestImages.checkerboardPng(24, 24, 4));
        staleLog = Files.createTempFile("ist-stale-worker-", ".log");
        stale = fork(h.workerSettings("stale-a"), staleLog);
        WorkerHarness.await("the forked worker to start", WAIT, () -> log().contains("FORKED WORKER STARTED"));
    }

    @AfterAll
    void stop() throws Exception {
        if (stale != null) {
            signal("CONT"); // a stopped process ignores SIGTERM until resumed
            stale.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        h.close();
        Files.deleteIfExists(staleLog);
    }

    @Test
    void aWorkerSuspendedPastItsSessionTimeoutCannotWriteAfterItResumes() throws Exception {
        h.startWorker("fresh-b");
        h.awaitGroupBalanced(2, WAIT);
        int partition = partitionOf("stale-a-jobs");
        JobRequest job = h.request(WorkerHarness.jobIdOnPartition(partition, 3), content, style,
                WorkerHarness.tinyOptions(32, 200).optimizer(Optimizer.ADAM).learningRate(0.02).build());
        h.submit(job);
        h.awaitEvent(job.jobId(), e -> e.type() == EventType.PROGRESS && e.workerId().equals("stale-a")
                && e.progress().iteration() >= 12, WAIT); // past its first checkpoint (every 10)

        signal("STOP"); // frozen: no heartbeats, no writes; the session times out after 6 s
        JobEvent done = h.awaitTerminal(job.jobId(), WAIT);
        assertEquals(EventType.SUCCEEDED, done.type(), () -> "events: " + h.events(job.jobId()));
        assertEquals("fresh-b", done.workerId());
        byte[] result = h.store.get(done.resultKey());
        JobFence fence = new JobFence(h.store, Clock.systemUTC());
        String writer = fence.writerToken(done.resultKey()).orElseThrow();

        signal("CONT");
        WorkerHarness.await("the stale attempt to give up", WAIT,
                () -> log().contains("abandoned without commit"));

        List<JobEvent> events = h.events(job.jobId());
        assertEquals(1, events.stream().filter(JobEvent::isTerminal).count(), "one terminal event: " + events);
        assertTrue(events.stream().filter(JobEvent::isTerminal).noneMatch(e -> e.workerId().equals("stale-a")));
        assertArrayEquals(result, h.store.get(done.resultKey()), "the result is unchanged after the resume");
        assertEquals(writer, fence.writerToken(done.resultKey()).orElseThrow());
        assertFalse(h.store.exists(ObjectKeys.checkpoint(job.jobId())),
                "the stale attempt's final checkpoint was refused (the new owner deleted its own)");
        assertTrue(log().contains("refused: job " + job.jobId()), "storage refused the stale write:\n" + tail());
    }

    private int partitionOf(String clientId) throws Exception {
        var group = h.broker.admin().describeConsumerGroups(List.of(h.group)).all().get(10, TimeUnit.SECONDS)
                .get(h.group);
        for (MemberDescription m : group.members()) {
            if (m.clientId().equals(clientId)) {
                return m.assignment().topicPartitions().iterator().next().partition();
            }
        }
        throw new AssertionError("no member " + clientId + " in " + group);
    }

    private static Process fork(Map<String, String> settings, Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-Djava.util.logging.manager=java.util.logging.LogManager");
        cmd.add("-Dtest.iteration-delay-ms=100");
        for (String noisy : List.of("org.apache.kafka", "kafka", "ai.djl", "io.minio")) {
            cmd.add("-Dorg.slf4j.simpleLogger.log." + noisy + "=warn");
        }
        settings.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ForkedWorker.class.getName());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        return pb.start();
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(stale.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + name);
    }

    private String log() {
        try {
            return Files.readString(staleLog, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private String tail() {
        String s = log();
        return s.substring(Math.max(0, s.length() - 4000));
    }
}
