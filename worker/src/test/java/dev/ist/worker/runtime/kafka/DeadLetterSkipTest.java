package dev.ist.worker.runtime.kafka;

import dev.ist.common.Topics;
import dev.ist.common.event.DeadLetter;
import dev.ist.common.event.ErrorCode;
import dev.ist.testkit.KafkaBroker;
import dev.ist.worker.runtime.job.JobOutcome;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** On a real broker: what happens when a record cannot be dead-lettered or keeps crashing its handler. */
class DeadLetterSkipTest {

    private final KafkaBroker broker = KafkaBroker.shared();

    @Test
    void aDeadLetterTheTopicRefusesIsSkippedAndCountedInsteadOfRetriedForever() throws Exception {
        String dlq = KafkaBroker.uniqueTopic("tiny-dlq");
        // a DLQ topic that refuses every record batch, even a letter without its excerpt
        broker.admin().createTopics(List.of(new NewTopic(dlq, 1, (short) 1)
                .configs(Map.of("max.message.bytes", "64")))).all().get(30, TimeUnit.SECONDS);
        Topics topics = new Topics("j", "e", dlq, "c");
        List<String> skipped = new CopyOnWriteArrayList<>();
        try (EventPublisher publisher = EventPublisher.create(broker.bootstrapServers(), "skip-test", topics,
                Duration.ofSeconds(10))) {
            publisher.withDeadLetterPolicy(new EventPublisher.DeadLetterPolicy(2, Duration.ofMillis(50)))
                    .reportSkipsTo(skipped::add);
            publisher.deadLetter(DeadLetter.of(null, "ist.jobs", 0, 7, Instant.now(), "w", ErrorCode.MALFORMED_MESSAGE,
                    "junk", new byte[900 * 1024]));
        }
        assertEquals(List.of("dlq_refused"), skipped);
    }

    @Test
    void aBoundedLetterOfAHugeRecordIsAccepted() throws Exception {
        String dlq = KafkaBroker.uniqueTopic("dlq");
        broker.createTopic(dlq, 1);
        List<String> skipped = new CopyOnWriteArrayList<>();
        try (EventPublisher publisher = EventPublisher.create(broker.bootstrapServers(), "bounded-test",
                new Topics("j", "e", dlq, "c"), Duration.ofSeconds(10));
             KafkaConsumer<String, byte[]> reader = broker.newConsumer("dlq-reader-" + dlq)) {
            publisher.reportSkipsTo(skipped::add);
            // the pre-excerpt constructor with a 1.5 MB payload, as today's runner calls it
            publisher.deadLetter(new DeadLetter(DeadLetter.SCHEMA_VERSION, null, "ist.jobs", 1, 9, Instant.now(),
                    "w", ErrorCode.MALFORMED_MESSAGE, "junk",
                    java.util.Base64.getEncoder().encodeToString(new byte[1500 * 1024])));
            reader.subscribe(List.of(dlq));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int seen = 0;
            int size = 0;
            while (seen == 0 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(200))) {
                    seen++;
                    size = r.value().length;
                }
            }
            assertEquals(1, seen);
            assertTrue(size < 8 * 1024, "letter is bounded: " + size + " bytes");
        }
        assertEquals(List.of(), skipped);
    }

    @Test
    void aRecordThatKeepsCrashingTheHandlerGoesToThePoisonSinkAndThePartitionMovesOn() throws Exception {
        String topic = KafkaBroker.uniqueTopic("crashy");
        broker.createTopic(topic, 1);
        String group = "crashy-" + topic;
        try (KafkaProducer<String, byte[]> producer = broker.newProducer()) {
            producer.send(new ProducerRecord<>(topic, "poison", new byte[]{1})).get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(topic, "fine", new byte[]{2})).get(30, TimeUnit.SECONDS);
        }
        List<String> handled = new CopyOnWriteArrayList<>();
        List<Long> poisoned = new CopyOnWriteArrayList<>();
        JobConsumer.Settings settings = new JobConsumer.Settings(broker.bootstrapServers(), group, "crashy-client",
                topic, Duration.ofMillis(100), Duration.ofSeconds(6), Duration.ofMinutes(5), Duration.ofSeconds(5),
                Duration.ofSeconds(5));
        JobConsumer consumer = new JobConsumer(settings, (record, control) -> {
            handled.add(record.key());
            if ("poison".equals(record.key())) {
                throw new IllegalStateException("bug triggered by this record");
            }
            return JobOutcome.commit("ok");
        }).onPoison((record, error) -> poisoned.add(record.offset()), 3);
        consumer.start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!handled.contains("fine") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } finally {
            consumer.close();
        }
        assertEquals(List.of("poison", "poison", "poison", "fine"), handled);
        assertEquals(List.of(0L), poisoned);
        try (KafkaConsumer<String, byte[]> probe = broker.newConsumer(group)) {
            OffsetAndMetadata committed = probe.committed(java.util.Set.of(new TopicPartition(topic, 0)))
                    .get(new TopicPartition(topic, 0));
            assertEquals(2, committed.offset());
        }
    }
}
