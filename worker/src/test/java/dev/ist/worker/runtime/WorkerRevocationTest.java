package dev.ist.worker.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ist.common.IstConfig;
import dev.ist.common.ObjectKeys;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.EventType;
import dev.ist.common.event.JobEvent;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.JobRequest;
import dev.ist.common.job.Optimizer;
import dev.ist.testkit.TestImages;
import dev.ist.worker.engine.IterationListener;
import dev.ist.worker.engine.StyleTransferEngine;
import dev.ist.worker.engine.TransferResult;
import dev.ist.worker.engine.TransferSpec;
import dev.ist.worker.engine.weights.RandomWeights;
import dev.ist.worker.runtime.job.Checkpoint;
import dev.ist.worker.runtime.job.EngineHandle;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rebalance on a real broker takes the running job's partition away from its worker: that worker stops the job at
 * its next iteration, checkpoints it, publishes no terminal event and commits nothing; the partition's new owner
 * resumes from the checkpoint and finishes the job exactly once. Both workers use a test assignor that hands every
 * partition to the member created last (cooperatively, like the worker's own assignor), so starting the second worker
 * revokes the first one's partitions at a known moment.
 */
class WorkerRevocationTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Between two periodic checkpoints (the harness checkpoints every 10): a checkpoint here comes from the stop. */
    private static final int HOLD_AT = 15;
    private static final int ITERATIONS = 40;

    private WorkerHarness h;
    private final List<Worker> workers = new ArrayList<>();
    private final List<EngineHandle> engines = new ArrayList<>();
    private final HoldMidJob firstEngine = new HoldMidJob(HOLD_AT);
    private final GateBeforeRun secondEngine = new GateBeforeRun();

    @BeforeEach
    void start() {
        h = new WorkerHarness("revoke");
    }

    @AfterEach
    void stop() {
        firstEngine.release();
        secondEngine.open();
        workers.forEach(Worker::close);
        engines.forEach(EngineHandle::close);
        h.close();
    }

    @Test
    void revokedRunningJobCheckpointsWithoutTerminalEventOrCommitAndItsNewOwnerResumesItOnce() throws Exception {
        ImageRef content = h.upload(TestImages.gradientPng(48, 48));
        ImageRef style = h.upload(TestImages.checkerboardPng(32, 32, 4));
        Worker first = startWorker("revoke-a", firstEngine::wrap);
        h.awaitGroupBalanced(1, WAIT);
        JobRequest job = h.request(content, style, resumable(ITERATIONS));
        String jobId = job.jobId();
        RecordMetadata where = h.submit(job);
        h.awaitEvent(jobId, e -> e.type() == EventType.PROGRESS && e.progress().iteration() >= HOLD_AT, WAIT);
        assertEquals(Set.of("revoke-a"), workersOf(jobId), "the first worker runs the job");

        // the first worker's job now waits at iteration HOLD_AT; the new member takes every partition from it
        Worker second = startWorker("revoke-b", secondEngine::wrap);
        assertTrue(secondEngine.entered.await(WAIT.toSeconds(), TimeUnit.SECONDS),
                () -> "the second worker picked up the job; committed offset " + h.committedOffset(where.partition())
                        + ", events: " + h.events(jobId));
        assertTrue(firstEngine.stopped.get(), "the first worker's job was told to stop by the revocation");

        // the handover, while the second worker has not run an iteration yet
        Checkpoint checkpoint = Checkpoint.fromBytes(h.store.get(ObjectKeys.checkpoint(jobId)));
        assertEquals(HOLD_AT, checkpoint.iteration(), "checkpoint written when the partition was revoked");
        assertEquals("revoke-a", checkpoint.workerId());
        assertTrue(h.committedOffset(where.partition()) <= where.offset(),
                "the revoked job was not committed: " + h.committedOffset(where.partition()));
        assertTrue(h.events(jobId).stream().noneMatch(JobEvent::isTerminal),
                "no terminal event on revocation: " + h.events(jobId));
        Map<String, Set<TopicPartition>> assignment = assignmentByWorker();
        assertEquals(Set.of(), assignment.get("revoke-a"), "the first worker's partitions were revoked");
        assertTrue(assignment.get("revoke-b").contains(new TopicPartition(h.topics.jobs(), where.partition())),
                "the second worker owns the job's partition: " + assignment);

        secondEngine.open();
        JobEvent done = h.awaitTerminal(jobId, WAIT);
        assertEquals(EventType.SUCCEEDED, done.type(), () -> "events: " + h.events(jobId));
        assertEquals("revoke-b", done.workerId());
        assertEquals(ITERATIONS, done.progress().iteration());
        WorkerHarness.await("commit after the terminal event", WAIT,
                () -> h.committedOffset(where.partition()) == where.offset() + 1);

        List<JobEvent> events = h.events(jobId);
        assertEquals(1, events.stream().filter(JobEvent::isTerminal).count(), "one terminal event: " + events);
        assertEquals(2, WorkerHarness.count(events, EventType.RUNNING), "started once per owner: " + events);
        List<JobEvent> resumed = events.stream().filter(e -> e.workerId().equals("revoke-b")).toList();
        assertEquals(EventType.RUNNING, resumed.get(0).type());
        JobEvent firstProgress = resumed.stream().filter(e -> e.type() == EventType.PROGRESS).findFirst()
                .orElseThrow();
        assertTrue(firstProgress.progress().iteration() >= checkpoint.iteration(),
                "resumed at " + firstProgress.progress().iteration() + ", checkpoint was at " + checkpoint.iteration());
        JsonNode manifest = JsonCodec.shared().mapper().readTree(h.store.get(done.manifestKey()));
        assertEquals(HOLD_AT, manifest.get("resumedFrom").asInt());
        assertEquals(1.0, second.metrics().registry().get("ist.worker.checkpoints.resumed").counter().count());
        assertFalse(h.store.exists(ObjectKeys.checkpoint(jobId)), "the finished job's checkpoint is removed");
        assertEquals(0.0, jobsFinished(first), "the first worker finished nothing");
        assertEquals(1.0, jobsFinished(second), "the second worker finished the job");
    }

    private Worker startWorker(String workerId, UnaryOperator<EngineHandle> decorate) {
        EngineHandle engine = decorate.apply(new WorkerHarness.OnePerProcess(EngineHandle.of(new StyleTransferEngine(
                RandomWeights.create(7, WorkerHarness.TINY_CHANNELS, WorkerHarness.TINY_CHANNELS.length), "cpu"))));
        engines.add(engine);
        Worker worker = new Worker(WorkerConfig.from(IstConfig.of(h.workerSettings(workerId))), engine,
                Clock.systemUTC(), Map.of(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                List.of(LastJoinerTakesAllAssignor.class.getName())));
        workers.add(worker);
        return worker.start();
    }

    private static double jobsFinished(Worker worker) {
        return worker.metrics().registry().find("ist.worker.jobs").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    private Set<String> workersOf(String jobId) {
        return h.events(jobId).stream().map(JobEvent::workerId).collect(Collectors.toSet());
    }

    /** Partitions of the jobs topic per worker id, as the broker's group coordinator has them. */
    private Map<String, Set<TopicPartition>> assignmentByWorker() throws Exception {
        ConsumerGroupDescription group = h.broker.admin().describeConsumerGroups(List.of(h.group)).all()
                .get(10, TimeUnit.SECONDS).get(h.group);
        return group.members().stream().collect(Collectors.toMap(
                (MemberDescription m) -> m.clientId().replaceFirst("-jobs$", ""),
                m -> Set.copyOf(m.assignment().topicPartitions())));
    }

    /** Adam runs every iteration (no early convergence stop), so the job reaches the iteration it is held at. */
    private static JobOptions resumable(int iterations) {
        return WorkerHarness.tinyOptions(32, iterations).optimizer(Optimizer.ADAM).learningRate(0.02).build();
    }

    /**
     * The first worker's engine: the real one, except that its first job waits at iteration {@code holdAt} (after that
     * iteration's PROGRESS event) until the job is told to stop, so the revocation always finds it mid-run.
     */
    private static final class HoldMidJob {
        final AtomicBoolean stopped = new AtomicBoolean();
        private final int holdAt;
        private final CountDownLatch released = new CountDownLatch(1);
        private final AtomicBoolean held = new AtomicBoolean();

        HoldMidJob(int holdAt) {
            this.holdAt = holdAt;
        }

        void release() {
            released.countDown();
        }

        EngineHandle wrap(EngineHandle engine) {
            return new WorkerHarness.DelegatingEngine(engine) {
                @Override
                public TransferResult stylize(TransferSpec spec, IterationListener listener, BooleanSupplier stop) {
                    return engine.stylize(spec, report -> {
                        listener.onIteration(report);
                        if (report.iteration() >= holdAt && held.compareAndSet(false, true)) {
                            stopped.set(awaitStop(stop));
                        }
                    }, stop);
                }
            };
        }

        /** True when the job was told to stop; false when the wait ran out or the test ended. */
        private boolean awaitStop(BooleanSupplier stop) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            try {
                while (!stop.getAsBoolean()) {
                    if (System.nanoTime() > deadline || released.await(10, TimeUnit.MILLISECONDS)) {
                        return false;
                    }
                }
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** The second worker's engine: the real one, started only when the test has looked at the handover. */
    private static final class GateBeforeRun {
        final CountDownLatch entered = new CountDownLatch(1);
        private final CountDownLatch gate = new CountDownLatch(1);

        void open() {
            gate.countDown();
        }

        EngineHandle wrap(EngineHandle engine) {
            return new WorkerHarness.DelegatingEngine(engine) {
                @Override
                public TransferResult stylize(TransferSpec spec, IterationListener listener, BooleanSupplier stop) {
                    entered.countDown();
                    try {
                        if (!gate.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                            throw new IllegalStateException("the test never opened the gate");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted at the gate");
                    }
                    return engine.stylize(spec, listener, stop);
                }
            };
        }
    }
}
