package dev.ist.worker.runtime;

import dev.ist.common.Topics;
import dev.ist.common.capacity.JobForwards;
import dev.ist.common.capacity.MemoryModel;
import dev.ist.common.capacity.WorkerCapacity;
import dev.ist.common.capacity.WorkerClass;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.ErrorCode;
import dev.ist.common.event.EventType;
import dev.ist.common.event.JobEvent;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.JobRequest;
import dev.ist.common.job.Optimizer;
import dev.ist.testkit.KafkaBroker;
import dev.ist.testkit.TestImages;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Worker pools with the real broker and S3 server: a worker of pool {@code large} takes only its pool's topics; a
 * default-pool worker whose budget cannot hold a job forwards it to the advertised pool that fits it (the record on
 * that pool's topic, its own offset committed, a QUEUED note, the counter), and the large worker runs it; with no
 * pool that fits, or once a job has been forwarded too often, it FAILS TOO_LARGE_FOR_WORKER as before.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkerPoolRoutingTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final long MIB = 1L << 20;

    private WorkerHarness h;
    private Topics large;
    private String workersTopic;
    private ImageRef wide;
    private ImageRef content;
    private ImageRef style;
    private long heapAbove;

    @BeforeAll
    void start() {
        h = new WorkerHarness("pools");
        large = h.topics.forPool("large");
        for (String t : large.jobLanes()) {
            h.broker.createTopic(t, 1);
        }
        workersTopic = KafkaBroker.uniqueTopic("pools-workers");
        // 4:1 content: a 2048 px output is 2048×512, cheap on the tiny network but over a 1 GiB budget (Adam)
        wide = h.upload(TestImages.gradientPng(256, 64));
        content = h.upload(TestImages.gradientPng(48, 40));
        style = h.upload(TestImages.checkerboardPng(24, 24, 4));
        // the budget subtracts this JVM's heap above the model's measured ceiling; add it back so the figures hold
        heapAbove = Math.max(0, Runtime.getRuntime().maxMemory() - MemoryModel.MEASURED_MAX_HEAP);
    }

    @AfterAll
    void stop() {
        h.close();
    }

    private Map<String, String> settings(String id, String pool, long budgetMib) {
        Map<String, String> s = h.workerSettings(id);
        s.put("ist.topics.workers", workersTopic);
        s.put("ist.worker.memory-margin", "0");
        s.put("ist.worker.memory-limit-bytes", Long.toString(heapAbove + budgetMib * MIB));
        if (pool != null) {
            s.put("ist.worker.pool", pool);
            s.put("ist.worker.group-id", h.group + "-" + pool);
        }
        return s;
    }

    /** A quote no model gives this job: what the gateway's stale table quoted on the default pool. */
    private static final double STALE_QUOTE = 98765.0;

    private JobRequest tooBigForSmall() {
        return h.request(wide, style, WorkerHarness.tinyOptions(2048, 2).optimizer(Optimizer.ADAM)
                .learningRate(0.02).build());
    }

    @Test
    void aDefaultWorkerForwardsAJobOnlyTheLargePoolFitsAndTheLargeWorkerRunsIt() throws Exception {
        Worker big = h.startWorker(settings("pool-large-1", "large", 6144));
        Worker small = h.startWorker(settings("pool-small-1", null, 1024));
        try {
            awaitSeesPool(small, "large");
            long committedBefore = h.committedTotal();

            // a small job on the default topic: the default worker runs it, the large one never sees it
            JobRequest tiny = h.request(content, style, WorkerHarness.tinyOptions(32, 2).build());
            h.submit(tiny);
            JobEvent tinyDone = h.awaitTerminal(tiny.jobId(), WAIT);
            assertEquals(EventType.SUCCEEDED, tinyDone.type(), () -> "events: " + h.events(tiny.jobId()));
            assertEquals("pool-small-1", tinyDone.workerId());

            // onto the default pool's topic with a quote for it, as a stale gateway table would have sent it
            JobRequest job = tooBigForSmall().withQuotedSeconds(STALE_QUOTE);
            h.submit(job);
            JobEvent done = h.awaitTerminal(job.jobId(), WAIT);
            assertEquals(EventType.SUCCEEDED, done.type(), () -> "events: " + h.events(job.jobId()));
            assertEquals("pool-large-1", done.workerId(), "the large pool's worker ran it");
            assertEquals(2048, done.progress().width());

            JobEvent note = h.events(job.jobId()).stream()
                    .filter(e -> e.type() == EventType.QUEUED && "pool-small-1".equals(e.workerId()))
                    .findFirst().orElseThrow(() -> new AssertionError("no forward note: " + h.events(job.jobId())));
            assertEquals(0, note.seq(), "the note restates QUEUED");
            assertTrue(note.failure().message().contains("to pool large"), note.failure().message());
            assertTrue(h.events(job.jobId()).stream().noneMatch(e -> e.type() == EventType.FAILED));
            assertTrue(h.events(job.jobId()).stream().filter(e -> e.type() == EventType.RUNNING)
                    .allMatch(e -> "pool-large-1".equals(e.workerId())), "only the large worker ran it");

            List<ConsumerRecord<String, byte[]>> onLarge = records(large.jobLanes(), job.jobId());
            assertEquals(1, onLarge.size(), "forwarded once to pool large's topic");
            assertEquals(large.jobs(), onLarge.get(0).topic(), "the NORMAL lane of pool large");
            assertEquals(1, JobForwards.parse(onLarge.get(0).headers().lastHeader(JobForwards.HEADER).value()));
            JobRequest moved = JsonCodec.shared().decodeRequest(onLarge.get(0).value());
            assertEquals("large", moved.workerPool());
            assertNotNull(moved.quotedSeconds(), "re-quoted for pool large");
            assertTrue(moved.quotedSeconds() > 0 && moved.quotedSeconds() != STALE_QUOTE,
                    () -> "the quote of the pool it waits in, not the refusing pool's: " + moved.quotedSeconds());
            assertTrue(records(large.jobLanes(), tiny.jobId()).isEmpty(), "the tiny job stayed in its pool");

            WorkerHarness.await("the default worker's offsets committed past both jobs", WAIT,
                    () -> h.committedTotal() >= committedBefore + 2);
            assertEquals(1.0, small.metrics().registry().get("ist.worker.jobs.forwarded").tag("to_pool", "large")
                    .counter().count());
        } finally {
            h.stopWorker(small);
            h.stopWorker(big);
        }
    }

    @Test
    void withNoPoolThatFitsOrAfterTooManyForwardsTheJobFailsTooLargeForWorker() throws Exception {
        // pool large is advertised, but too small for the job too
        Worker notBigEnough = h.startWorker(settings("pool-large-small", "large", 1024));
        Worker small = h.startWorker(settings("pool-small-2", null, 1024));
        try {
            awaitSeesPool(small, "large");
            JobRequest job = tooBigForSmall();
            h.submit(job);
            JobEvent refused = h.awaitTerminal(job.jobId(), WAIT);
            assertEquals(EventType.FAILED, refused.type(), () -> "events: " + h.events(job.jobId()));
            assertEquals(ErrorCode.TOO_LARGE_FOR_WORKER, refused.failure().code());
            assertEquals("pool-small-2", refused.workerId());
            assertTrue(records(large.jobLanes(), job.jobId()).isEmpty(), "nothing forwarded");
        } finally {
            h.stopWorker(notBigEnough);
        }
        // a large worker that fits it is advertised (not started: the advertisement is what the table reads), but
        // the record says it has been forwarded the maximum number of times already
        try (var producer = h.broker.newProducer()) {
            WorkerCapacity fits = new WorkerCapacity(WorkerCapacity.SCHEMA_VERSION, "pool-large-advert", "cpu",
                    6144 * MIB, 0, 33_177_600, Instant.now(), "large");
            producer.send(new ProducerRecord<>(workersTopic, fits.workerId(), JsonCodec.shared().encode(fits)))
                    .get(10, TimeUnit.SECONDS);
            try {
                WorkerHarness.await("pool large fits in the worker's table", WAIT, () -> small.fleetView()
                        .classes(Instant.now()).stream().anyMatch(c -> c.pool().equals("large")
                                && c.memoryBudgetBytes() > 4096 * MIB));
                JobRequest pingPong = tooBigForSmall();
                ProducerRecord<String, byte[]> r = new ProducerRecord<>(h.topics.jobs(), pingPong.jobId(),
                        JsonCodec.shared().encode(pingPong));
                r.headers().add(JobForwards.HEADER, JobForwards.encode(JobForwards.DEFAULT_MAX));
                producer.send(r).get(10, TimeUnit.SECONDS);
                JobEvent refused = h.awaitTerminal(pingPong.jobId(), WAIT);
                assertEquals(ErrorCode.TOO_LARGE_FOR_WORKER, refused.failure().code(),
                        () -> "events: " + h.events(pingPong.jobId()));
                assertTrue(refused.failure().message().contains("forwarded between pools 3 times"),
                        refused.failure().message());
                assertTrue(records(large.jobLanes(), pingPong.jobId()).isEmpty(), "not forwarded a fourth time");
            } finally {
                producer.send(new ProducerRecord<>(workersTopic, "pool-large-advert", null)).get(10, TimeUnit.SECONDS);
            }
        } finally {
            h.stopWorker(small);
        }
    }

    private static void awaitSeesPool(Worker w, String pool) {
        WorkerHarness.await("worker sees pool " + pool, WAIT, () -> {
            List<WorkerClass> classes = w.fleetView().classes(Instant.now());
            return classes.stream().anyMatch(c -> c.pool().equals(pool));
        });
    }

    /** Every record keyed {@code jobId} on {@code topics}, from their start. */
    private List<ConsumerRecord<String, byte[]>> records(List<String> topics, String jobId) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = h.broker.newConsumer("pools-reader-" + UUID.randomUUID())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : topics) {
                c.partitionsFor(t).forEach(p -> parts.add(new TopicPartition(t, p.partition())));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
                    if (jobId.equals(r.key())) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }
}
