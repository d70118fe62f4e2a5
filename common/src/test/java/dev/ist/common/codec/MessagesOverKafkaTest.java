package dev.ist.common.codec;

import dev.ist.common.Samples;
import dev.ist.common.event.JobEvent;
import dev.ist.common.job.JobRequest;
import dev.ist.testkit.KafkaBroker;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Requests and events travel through a real Kafka broker as the common JSON encoding and come back equal. */
class MessagesOverKafkaTest {

    private final KafkaBroker broker = KafkaBroker.shared();
    private final JsonCodec codec = JsonCodec.shared();

    private List<ConsumerRecord<String, byte[]>> consume(String topic, int expected) {
        List<ConsumerRecord<String, byte[]>> received = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = broker.newConsumer("common-test-" + topic)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (received.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
            consumer.commitSync();
        }
        return received;
    }

    @Test
    void aJobRequestKeyedByJobIdComesBackEqual() throws Exception {
        String topic = KafkaBroker.uniqueTopic("ist.jobs");
        broker.createTopic(topic, 3);
        JobRequest request = Samples.fullRequest();
        try (KafkaProducer<String, byte[]> producer = broker.newProducer()) {
            producer.send(new ProducerRecord<>(topic, request.jobId(), codec.encode(request)))
                    .get(30, TimeUnit.SECONDS);
        }
        List<ConsumerRecord<String, byte[]>> records = consume(topic, 1);
        assertEquals(1, records.size());
        assertEquals(request.jobId(), records.get(0).key());
        assertEquals(request, codec.decodeRequest(records.get(0).value()));
    }

    @Test
    void eventsOfEveryTypeComeBackEqualAndInOrderOnTheJobsPartition() throws Exception {
        String topic = KafkaBroker.uniqueTopic("ist.events");
        broker.createTopic(topic, 3);
        List<JobEvent> events = Samples.eventsOfEveryType();
        try (KafkaProducer<String, byte[]> producer = broker.newProducer()) {
            for (JobEvent event : events) {
                producer.send(new ProducerRecord<>(topic, event.jobId(), codec.encode(event)));
            }
            producer.flush();
        }
        List<ConsumerRecord<String, byte[]>> records = consume(topic, events.size());
        assertEquals(events.size(), records.size());
        List<JobEvent> decoded = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            // one key, one partition: the order a job's events were sent in is the order they are read in
            assertEquals(records.get(0).partition(), r.partition());
            decoded.add(codec.decodeEvent(r.value()));
        }
        assertEquals(events, decoded);
    }

    @Test
    void aPoisonRecordOnTheTopicIsATypedDecodingErrorForTheConsumer() throws Exception {
        String topic = KafkaBroker.uniqueTopic("ist.jobs");
        broker.createTopic(topic, 1);
        try (KafkaProducer<String, byte[]> producer = broker.newProducer()) {
            producer.send(new ProducerRecord<>(topic, "junk", "{\"v\":1,\"jobId\":".getBytes(StandardCharsets.UTF_8)))
                    .get(30, TimeUnit.SECONDS);
        }
        List<ConsumerRecord<String, byte[]>> records = consume(topic, 1);
        assertEquals(1, records.size());
        InvalidMessageException e = assertThrows(InvalidMessageException.class,
                () -> codec.decodeRequest(records.get(0).value()));
        assertEquals("$", e.field());
    }
}
