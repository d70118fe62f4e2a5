package dev.ist.gateway.kafka;

import dev.ist.common.IstConfig;
import dev.ist.common.Topics;
import dev.ist.common.kafka.KafkaClientConfig;
import dev.ist.gateway.config.KafkaSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.Map;
import java.util.UUID;

/** Kafka clients of the gateway: one idempotent producer (the job store's consumers live in store/). */
@ApplicationScoped
public class KafkaWiring {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(KafkaWiring.class);

    private final KafkaSettings kafka;
    private final Topics topics;

    public KafkaWiring(KafkaSettings kafka, Topics topics) {
        this.kafka = kafka;
        this.topics = topics;
    }

    /**
     * Every Kafka client of the gateway connects with these: the brokers and what a secured cluster needs, from
     * {@code ist.kafka.client-config} (a Kafka client properties file) and {@code ist.kafka.client.<property>} keys
     * (application.properties, system properties or IST_KAFKA_CLIENT_* variables).
     */
    @Produces
    @Singleton
    public KafkaClientConfig kafkaClient() {
        org.eclipse.microprofile.config.Config config = org.eclipse.microprofile.config.ConfigProvider.getConfig();
        KafkaClientConfig k = KafkaClientConfig.from(new IstConfig(Map.of(),
                key -> config.getOptionalValue(key, String.class).orElse(null), System::getenv),
                kafka.bootstrapServers()).requireOpenableTlsStores();
        LOG.infof("kafka client settings: %s", k.describe());
        return k;
    }

    /** The gateway's idempotent producer settings (a new producer is made from them after a refused login). */
    private KafkaProducer<String, byte[]> newProducer(KafkaClientConfig client) {
        Map<String, Object> c = client.base();
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

    /** Refused logins and missing ACLs of the gateway's readers, waited out and reported by readiness. */
    @Produces
    @Singleton
    public KafkaAccess kafkaAccess(io.micrometer.core.instrument.MeterRegistry registry) {
        return new KafkaAccess(registry);
    }

    @Produces
    @Singleton
    public JobPublisher publisher(KafkaClientConfig client) {
        return new JobPublisher(() -> newProducer(client), topics, kafka.sendTimeout(), kafka.createTopics()
                ? names -> TopicCreator.ensure(client, names, kafka.topicPartitions(),
                        kafka.replicationFactor())
                : names -> { });
    }

    void closePublisher(@Disposes JobPublisher publisher) {
        publisher.close();
    }
}
