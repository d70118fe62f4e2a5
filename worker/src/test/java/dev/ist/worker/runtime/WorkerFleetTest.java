package dev.ist.worker.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ist.common.ObjectKeys;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.EventType;
import dev.ist.common.event.JobEvent;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.JobRequest;
import dev.ist.common.job.Optimizer;
import dev.ist.testkit.TestImages;
import dev.ist.worker.runtime.job.Checkpoint;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two workers in one group: jobs spread, none runs twice, and a stopped or crashed worker's job moves and resumes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkerFleetTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    private WorkerHarness h;
    private final Map<String, Worker> workers = new HashMap<>();
    private ImageRef content;
    private ImageRef style;

    @BeforeAll
    void start() {
        h = new WorkerHarness("fleet");
        content = h.upload(TestImages.gradientPng(48, 48));
        style = h.upload(TestImages.checkerboardPng(32, 32, 4));
        workers.put("fleet-a", h.startWorker("fleet-a"));
        workers.put("fleet-b", h.startWorker("fleet-b"));
        h.awaitGroupBalanced(2, WAIT);
    }

    @AfterAll
    void stop() {
        h.close();
    }

    @Test
    @Order(1)
    void severalJobsSpreadOverTwoWorkersAndEachRunsOnce() {
        List<JobRequest> jobs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            jobs.add(h.request(WorkerHarness.jobIdOnPartition(i % 3, 3), content, style,
                    WorkerHarness.tinyOptions(32, 8).build()));
        }
        jobs.forEach(h::submit);
        Set<String> ranOn = new HashSet<>();
        for (JobRequest job : jobs) {
            JobEvent done = h.awaitTerminal(job.jobId(), WAIT);
            assertEquals(EventType.SUCCEEDED, done.type());
        }
        for (JobRequest job : jobs) {
            List<JobEvent> events = h.events(job.jobId());
            assertEquals(1, WorkerHarness.count(events, EventType.RUNNING), "ran once: " + events);
            assertEquals(1, events.stream().filter(JobEvent::isTerminal).count(), "one terminal: " + events);
            ranOn.add(events.get(0).workerId());
        }
        assertEquals(Set.of("fleet-a", "fleet-b"), ranOn, "both workers got jobs");
    }

    @Test
    @Order(2)
    void gracefulStopMidJobCheckpointsWithoutCommitAndTheOtherWorkerResumes() throws Exception {
        ensureTwoWorkers();
        JobRequest job = h.request(content, style, resumable(60));
        RecordMetadata where = h.submit(job);
        // the worker of the newest tick owns the job now: a late rebalance may have moved it after its first RUNNING
        h.awaitEvent(job.jobId(), e -> e.type() == EventType.PROGRESS && e.progress().iteration() >= 15, WAIT);
        String ownerId = latestTickWorker(job);
        Worker owner = workers.remove(ownerId);

        h.stopWorker(owner); // what SIGTERM does

        // The other worker may take the job over at once and checkpoint again, or even finish it, before these reads
        // (seen in CI): each check allows for what it may already have done.
        long committed = h.committedOffset(where.partition());
        List<JobEvent> atStop = h.events(job.jobId());
        int stoppedAt = atStop.stream().filter(e -> e.type() == EventType.PROGRESS && e.workerId().equals(ownerId))
                .mapToInt(e -> e.progress().iteration()).max().orElseThrow();
        assertTrue(stoppedAt >= 15, "stopped at " + stoppedAt);
        assertTrue(atStop.stream().filter(e -> e.workerId().equals(ownerId)).noneMatch(JobEvent::isTerminal),
                "no terminal event on stop");
        if (atStop.stream().noneMatch(JobEvent::isTerminal)) {
            assertTrue(committed <= where.offset(), "the running job was not committed");
        }
        Checkpoint checkpoint = Checkpoint.fromBytes(h.store.get(ObjectKeys.checkpoint(job.jobId())));
        assertTrue(checkpoint.iteration() >= stoppedAt, "checkpoint at the stop: " + checkpoint.iteration());
        assertTrue(checkpoint.workerId().equals(ownerId) || checkpoint.iteration() > stoppedAt,
                "the stopped worker's checkpoint, or a later one of the worker that resumed it: "
                        + checkpoint.workerId() + " at " + checkpoint.iteration());

        JobEvent done = h.awaitTerminal(job.jobId(), WAIT);
        // resumed at or after the iteration it stopped at (not from an earlier periodic checkpoint)
        assertResumedFrom(job, done, ownerId, stoppedAt);
        WorkerHarness.await("commit after the terminal event", WAIT,
                () -> h.committedOffset(where.partition()) == where.offset() + 1);
    }

    @Test
    @Order(3)
    void workerKilledMidJobLosesNothingAndTheJobResumesFromItsCheckpointElsewhere() throws Exception {
        ensureTwoWorkers();
        JobRequest job = h.request(content, style, resumable(60));
        h.submit(job);
        WorkerHarness.await("first checkpoint", WAIT, () -> h.store.exists(ObjectKeys.checkpoint(job.jobId())));
        int checkpointed = Checkpoint.fromBytes(h.store.get(ObjectKeys.checkpoint(job.jobId()))).iteration();
        assertTrue(checkpointed >= 10);
        // the worker of the newest tick owns the job now (not necessarily the one of its first RUNNING)
        h.awaitEvent(job.jobId(), e -> e.type() == EventType.PROGRESS && e.progress().iteration() > checkpointed,
                WAIT);
        String ownerId = latestTickWorker(job);

        h.haltWorker(workers.remove(ownerId)); // no checkpoint, no event, no commit

        JobEvent done = h.awaitTerminal(job.jobId(), WAIT);
        assertResumedFrom(job, done, ownerId, checkpointed);
        Worker survivor = workers.values().iterator().next();
        assertTrue(survivor.metrics().registry().get("ist.worker.checkpoints.resumed").counter().count() >= 1);
    }

    /** The worker of the newest progress tick so far: the one running the job now. */
    private String latestTickWorker(JobRequest job) {
        List<JobEvent> ticks = h.events(job.jobId()).stream().filter(e -> e.type() == EventType.PROGRESS).toList();
        return ticks.get(ticks.size() - 1).workerId();
    }

    private void ensureTwoWorkers() {
        int n = 0;
        while (workers.size() < 2) {
            String id = "fleet-extra-" + (++n) + "-" + System.nanoTime();
            workers.put(id, h.startWorker(id));
        }
        h.awaitGroupBalanced(2, WAIT);
    }

    private void assertResumedFrom(JobRequest job, JobEvent done, String firstWorker, int checkpointIteration)
            throws Exception {
        assertEquals(EventType.SUCCEEDED, done.type(), () -> "events: " + h.events(job.jobId()));
        List<JobEvent> events = h.events(job.jobId());
        assertEquals(1, events.stream().filter(JobEvent::isTerminal).count(), "one terminal: " + events);
        assertTrue(!done.workerId().equals(firstWorker), "finished elsewhere");
        // what the finishing worker did after the stopped one's last event (it may have run the job before a move)
        int lastOfFirst = 0;
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).workerId().equals(firstWorker)) {
                lastOfFirst = i;
            }
        }
        List<JobEvent> second = events.subList(lastOfFirst + 1, events.size()).stream()
                .filter(e -> e.workerId().equals(done.workerId())).toList();
        assertEquals(EventType.RUNNING, second.get(0).type());
        JobEvent firstProgress = second.stream().filter(e -> e.type() == EventType.PROGRESS).findFirst()
                .orElseThrow();
        assertTrue(firstProgress.progress().iteration() >= checkpointIteration,
                "resumed at " + firstProgress.progress().iteration() + ", checkpoint was at " + checkpointIteration);
        assertTrue(second.get(0).seq() > 1, "RUNNING after a resume continues the sequence: " + second.get(0).seq());
        JsonNode manifest = JsonCodec.shared().mapper().readTree(h.store.get(done.manifestKey()));
        assertTrue(manifest.get("resumedFrom").asInt() >= checkpointIteration);
        assertEquals(60, done.progress().iteration());
    }

    /** Adam runs every iteration (no early convergence stop), so the job is long enough to interrupt. */
    private static JobOptions resumable(int iterations) {
        return WorkerHarness.tinyOptions(32, iterations).optimizer(Optimizer.ADAM).learningRate(0.02).build();
    }
}
