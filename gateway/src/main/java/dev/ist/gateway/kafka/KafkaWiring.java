package dev.ist.gateway.kafka;

import dev.ist.common.Topics;
import dev.ist.gateway.config.GatewaySettings;
import dev.ist.gateway.config.KafkaSettings;
import dev.ist.gateway.view.JobView;
import dev.ist.gateway.view.JobViewFeeder;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Kafka clients of the gateway: one idempotent producer, and the feeder that keeps the job view current. */
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

    @Produces
    @Singleton
    public JobView jobView(GatewaySettings settings, org.eclipse.microprofile.config.Config config) {
        // the same weights as the workers' (ist.lanes.weights), so queue positions follow their picking order
        String weights = config.getOptionalValue("ist.lanes.weights", String.class).orElse("8,3,1");
        return new JobView(settings.view().maxEventsPerJob(), dev.ist.common.job.LaneSchedule.parseWeights(weights));
    }

    @Produces
    @Singleton
    public JobViewFeeder feeder(JobView view) {
        JobViewFeeder feeder = new JobViewFeeder(view, topics, kafka.bootstrapServers(),
                "ist-gateway-view-" + UUID.randomUUID().toString().substring(0, 8));
        if (kafka.createTopics()) {
            feeder.preparingTopicsWith(() -> TopicCreator.ensure(kafka.bootstrapServers(),
                    java.util.stream.Stream.concat(topics.jobLanes().stream(),
                            java.util.stream.Stream.of(topics.events(), topics.control(), topics.dlq())).toList(),
                    kafka.topicPartitions(), kafka.replicationFactor()));
        }
        feeder.start();
        return feeder;
    }

    void closeFeeder(@Disposes JobViewFeeder feeder) {
        feeder.close();
    }

    /** Start reading the topics when the application starts, not on the first request. */
    void onStart(@Observes StartupEvent event, JobViewFeeder feeder) {
        // injecting the feeder creates and starts it
    }
}
