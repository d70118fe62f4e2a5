package dev.ist.worker.cli;

import dev.ist.common.Topics;
import dev.ist.common.event.DeadLetter;
import dev.ist.common.event.ErrorCode;
import dev.ist.testkit.KafkaBroker;
import dev.ist.worker.runtime.kafka.EventPublisher;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ist dlq list|replay} against a real broker. */
class DlqCommandTest {

    private final KafkaBroker broker = KafkaBroker.shared();
    private String jobs;
    private String dlq;
    private final String jobId = UUID.randomUUID().toString();
    private byte[] big;
    private long bigOffset;
    private long smallOffset;

    @BeforeEach
    void deadLetterTwoRecords() throws Exception {
        jobs = KafkaBroker.uniqueTopic("dlqcli-jobs");
        dlq = KafkaBroker.uniqueTopic("dlqcli-dlq");
        broker.admin().createTopics(List.of(new NewTopic(jobs, 1, (short) 1)
                .configs(Map.of("max.message.bytes", Integer.toString(3 << 20))))).all().get(30, TimeUnit.SECONDS);
        broker.createTopic(dlq, 1);
        big = new byte[1200 * 1024];
        new Random(3).nextBytes(big);
        byte[] small = "{\"v\":99}".getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<String, byte[]> p = broker.newProducer(Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                4 << 20))) {
            smallOffset = p.send(new ProducerRecord<>(jobs, jobId, small)).get(30, TimeUnit.SECONDS).offset();
            bigOffset = p.send(new ProducerRecord<>(jobs, null, big)).get(30, TimeUnit.SECONDS).offset();
        }
        try (EventPublisher publisher = EventPublisher.create(broker.bootstrapServers(), "dlq-cli-test",
                new Topics(jobs, "e", dlq, "c"), Duration.ofSeconds(10))) {
            publisher.deadLetter(DeadLetter.of(jobId, jobs, 0, smallOffset, Instant.now(), "w",
                    ErrorCode.UNSUPPORTED_VERSION, "unsupported schema version 99", small));
            publisher.deadLetter(DeadLetter.of(null, jobs, 0, bigOffset, Instant.now(), "w",
                    ErrorCode.MALFORMED_MESSAGE, "not valid JSON", big));
            // a letter whose original is gone (an offset the jobs topic never had)
            publisher.deadLetter(DeadLetter.of(null, jobs, 0, 999, Instant.now(), "w",
                    ErrorCode.MALFORMED_MESSAGE, "long gone", new byte[]{1}));
        }
    }

    private record Run(int exit, String out, String err) {
    }

    private Run ist(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", broker.bootstrapServers(), "--jobs-topic", jobs, "--dlq-topic", dlq));
        int exit = IstCli.run(all.toArray(String[]::new), new PrintStream(out, true), new PrintStream(err, true));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void listShowsIdCodeSizeJobAndReason() {
        Run r = ist("dlq", "list");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("0:" + smallOffset), r.out());
        assertTrue(r.out().contains("UNSUPPORTED_VERSION") && r.out().contains(jobId), r.out());
        assertTrue(r.out().contains("0:" + bigOffset) && r.out().contains(Integer.toString(big.length)), r.out());
        assertTrue(r.out().contains("3 dead letter(s)"), r.out());
    }

    @Test
    void replayReReadsTheOriginalRecordAndProducesItAgainByteForByte() {
        Run r = ist("dlq", "replay", "0:" + bigOffset, jobId);
        assertEquals(0, r.exit(), r.err() + r.out());
        List<ConsumerRecord<String, byte[]>> all = readJobs();
        assertEquals(4, all.size(), "two originals + two replays");
        assertArrayEquals(big, all.get(2).value());
        assertEquals(jobId, all.get(3).key());
        assertArrayEquals(all.get((int) smallOffset).value(), all.get(3).value());
    }

    @Test
    void replayAllReportsLettersWhoseOriginalIsNoLongerRetained() {
        Run r = ist("dlq", "replay", "--all");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("0:999") && r.err().contains("no longer on"), r.err());
        assertEquals(4, readJobs().size(), "the two retained originals were replayed");
        assertEquals(2, ist("dlq", "replay").exit(), "IDs or --all is required");
    }

    @Test
    void replayPutsAJobOfAnotherPoolBackOnItsOwnPoolsLaneTopic() throws Exception {
        String poolHigh = new Topics(jobs, "e", dlq, "c").forPool("large").jobsHigh();
        broker.createTopic(poolHigh, 1);
        String pooledJob = UUID.randomUUID().toString();
        byte[] value = "{\"v\":98,\"pool\":\"large\"}".getBytes(StandardCharsets.UTF_8);
        long offset;
        try (KafkaProducer<String, byte[]> p = broker.newProducer()) {
            offset = p.send(new ProducerRecord<>(poolHigh, pooledJob, value)).get(30, TimeUnit.SECONDS).offset();
        }
        try (EventPublisher publisher = EventPublisher.create(broker.bootstrapServers(), "dlq-cli-pool-test",
                new Topics(jobs, "e", dlq, "c"), Duration.ofSeconds(10))) {
            publisher.deadLetter(DeadLetter.of(pooledJob, poolHigh, 0, offset, Instant.now(), "w",
                    ErrorCode.UNSUPPORTED_VERSION, "unsupported schema version 98", value));
        }
        Run r = ist("dlq", "replay", pooledJob);
        assertEquals(0, r.exit(), r.err() + r.out());
        assertTrue(r.out().contains("-> " + poolHigh), r.out());
        List<ConsumerRecord<String, byte[]>> onPool = read(poolHigh);
        assertEquals(2, onPool.size(), "the original and its replay, both on pool large's HIGH lane");
        assertArrayEquals(value, onPool.get(1).value());
        assertEquals(2, readJobs().size(), "nothing went to the default pool's jobs topic");
    }

    private List<ConsumerRecord<String, byte[]>> readJobs() {
        return read(jobs);
    }

    private List<ConsumerRecord<String, byte[]>> read(String topic) {
        try (KafkaConsumer<String, byte[]> c = broker.newConsumer("read-" + UUID.randomUUID(),
                Map.of("max.partition.fetch.bytes", 16 << 20))) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (c.position(tp) < end && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }
}
