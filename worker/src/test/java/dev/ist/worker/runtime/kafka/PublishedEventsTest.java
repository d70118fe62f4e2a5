package dev.ist.worker.runtime.kafka;

import dev.ist.common.Topics;
import dev.ist.common.event.JobEvent;
import dev.ist.common.kafka.KafkaClientConfig;
import dev.ist.testkit.KafkaBroker;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** On a real broker: a redelivered job's terminal event is found on the events topic, and only that event. */
class PublishedEventsTest {

    private final KafkaBroker broker = KafkaBroker.shared();

    @Test
    void findsTheTerminalEventOfTheSameJobAndSequenceAndNothingElse() throws Exception {
        String events = KafkaBroker.uniqueTopic("events");
        broker.createTopic(events, 3);
        Topics topics = new Topics("j", events, "d", "c");
        String job = UUID.randomUUID().toString();
        String other = UUID.randomUUID().toString();
        Instant at = Instant.now();
        JobEvent published = JobEvent.cancelled(job, 7, at, "w1", "test");
        try (EventPublisher publisher = EventPublisher.create(broker.bootstrapServers(), "lookup-test", topics,
                Duration.ofSeconds(10));
             PublishedEvents lookup = PublishedEvents.create(KafkaClientConfig.plaintext(broker.bootstrapServers()), "lookup", events,
                     Duration.ofSeconds(10), 10_000)) {
            assertFalse(lookup.contains(published), "nothing published yet");
            for (int i = 0; i < 50; i++) { // other jobs' records around it, on every partition
                publisher.publishAndWait(JobEvent.cancelled(UUID.randomUUID().toString(), 7, at, "w1", "noise"));
            }
            publisher.publishAndWait(published);
            publisher.publishAndWait(JobEvent.cancelled(other, 5, at, "w1", "test"));

            assertTrue(lookup.contains(published));
            assertTrue(lookup.contains(JobEvent.cancelled(job, 7, at.plusSeconds(1), "w2", "copy")),
                    "job id, sequence and type identify the event");
            assertFalse(lookup.contains(JobEvent.cancelled(job, 6, at, "w1", "test")), "another sequence");
            assertFalse(lookup.contains(JobEvent.cancelled(other, 7, at, "w1", "test")), "another job");
            assertTrue(lookup.contains(published), "the consumer can be asked again");
        }
    }

    @Test
    void choosesThePartitionTheProducerChose() throws Exception {
        String topic = KafkaBroker.uniqueTopic("partitions");
        broker.createTopic(topic, 5);
        try (KafkaProducer<String, byte[]> producer = broker.newProducer()) {
            for (int i = 0; i < 20; i++) {
                String key = UUID.randomUUID().toString();
                RecordMetadata m = producer.send(new ProducerRecord<>(topic, key, new byte[1]))
                        .get(30, TimeUnit.SECONDS);
                assertEquals(m.partition(), PublishedEvents.partitionOf(key, 5), key);
            }
        }
    }

    @Test
    void givesUpAfterTheScanLimitAndAnswersNotFound() throws Exception {
        String events = KafkaBroker.uniqueTopic("events");
        broker.createTopic(events, 1);
        String job = UUID.randomUUID().toString();
        Instant at = Instant.now();
        JobEvent late = JobEvent.cancelled(job, 3, at, "w1", "test");
        try (EventPublisher publisher = EventPublisher.create(broker.bootstrapServers(), "limit-test",
                new Topics("j", events, "d", "c"), Duration.ofSeconds(10));
             PublishedEvents lookup = PublishedEvents.create(KafkaClientConfig.plaintext(broker.bootstrapServers()), "lookup", events,
                     Duration.ofSeconds(10), 5)) {
            for (int i = 0; i < 10; i++) {
                publisher.publishAndWait(JobEvent.cancelled(UUID.randomUUID().toString(), 3, at, "w1", "noise"));
            }
            publisher.publishAndWait(late);
            assertFalse(lookup.contains(late), "past the limit the caller publishes again");
        }
    }
}
