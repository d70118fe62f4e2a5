package dev.ist.gateway.kafka;

import dev.ist.common.Topics;
import dev.ist.gateway.config.KafkaSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Kafka clients of the gateway: one idempotent producer (the job store's consumers live in store/). */
@ApplicationScoped
public class KafkaWiring {

    private final KafkaSettings kafka;
    private final Topics topics;

    public KafkaWiring(KafkaSettings kafka, Topics topics) {
        this.kafka = kafka;
        this.topics = topics;
    }

    @Produces
    @Singleton
    public KafkaProducer<String, byte[]> producer() {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        c.put(ProducerConfig.CLIENT_ID_CONFIG, "ist-gateway-" + UUID.randomUUID().toString().substring(0, 8));
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, kafka.sendTimeout().toMillis());
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(kafka.sendTimeout().toMillis(), 1000));
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(kafka.sendTimeout().toMillis(), 30_000));
        c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(c);
    }

    void closeProducer(@Disposes KafkaProducer<String, byte[]> producer) {
        producer.close(java.time.Duration.ofSeconds(5));
    }

    @Produces
    @Singleton
    public JobPublisher publisher(KafkaProducer<String, byte[]> producer) {
        return new JobPublisher(producer, topics, kafka.sendTimeout(), kafka.createTopics()
                ? names -> TopicCreator.ensure(kafka.bootstrapServers(), names, kafka.topicPartitions(),
                        kafka.replicationFactor())
                : names -> { });
    }
}
