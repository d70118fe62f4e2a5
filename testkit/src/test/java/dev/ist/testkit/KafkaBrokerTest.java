package dev.ist.testkit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KafkaBrokerTest {

    @Test
    void sharedBrokerIsStartedOnceAndListensOnLoopback() {
        KafkaBroker a = KafkaBroker.shared();
        KafkaBroker b = KafkaBroker.shared();
        assertSame(a, b);
        assertTrue(a.bootstrapServers().matches("[^:,]+:\\d+"), a.bootstrapServers());
    }

    @Test
    void createdTopicHasTheAskedPartitionsAndCreatingItAgainIsHarmless() throws Exception {
        KafkaBroker broker = KafkaBroker.shared();
        String topic = KafkaBroker.uniqueTopic("partitions");
        broker.createTopic(topic, 3);
        broker.createTopic(topic, 3);
        int partitions = broker.admin().describeTopics(Set.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                .get(topic).partitions().size();
        assertEquals(3, partitions);
    }

    @Test
    void recordsProducedAreConsumedInOrderWithTheirKeysByAGroupMember() throws Exception {
        roundTrip(java.util.Map.of());
    }

    @Test
    void consumersOfTheKip848GroupProtocolJoinAndReadToo() throws Exception {
        roundTrip(java.util.Map.of("group.protocol", "consumer"));
    }

    private void roundTrip(java.util.Map<String, Object> consumerConfig) throws Exception {
        KafkaBroker broker = KafkaBroker.shared();
        String topic = KafkaBroker.uniqueTopic("roundtrip");
        broker.createTopic(topic, 1);
        try (KafkaProducer<String, byte[]> producer = broker.newProducer()) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, "key-" + i, ("value-" + i).getBytes(StandardCharsets.UTF_8)))
                        .get(30, TimeUnit.SECONDS);
            }
        }
        List<ConsumerRecord<String, byte[]>> received = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = broker.newConsumer("testkit-" + topic, consumerConfig)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (received.size() < 5 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
            consumer.commitSync();
        }
        assertEquals(5, received.size());
        for (int i = 0; i < 5; i++) {
            assertEquals("key-" + i, received.get(i).key());
            assertEquals("value-" + i, new String(received.get(i).value(), StandardCharsets.UTF_8));
        }
    }
}
