package dev.ist.gateway.store;

import dev.ist.common.kafka.KafkaClientConfig;
import dev.ist.common.Topics;
import dev.ist.common.job.LaneSchedule;
import dev.ist.gateway.config.GatewaySettings;
import dev.ist.gateway.config.KafkaSettings;
import dev.ist.gateway.kafka.KafkaAccess;
import dev.ist.gateway.kafka.TopicCreator;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/** The job store, its projector and this replica's live tail of the events topic. */
@ApplicationScoped
public class StoreWiring {

    private final KafkaSettings kafka;
    private final Topics topics;

    public StoreWiring(KafkaSettings kafka, Topics topics) {
        this.kafka = kafka;
        this.topics = topics;
    }

    @Produces
    @Singleton
    public Database database(AgroalDataSource dataSource) {
        return new Database(dataSource);
    }

    @Produces
    @Singleton
    public JobProjection projection(GatewaySettings settings) {
        return new JobProjection(settings.view().maxEventsPerJob());
    }

    @Produces
    @Singleton
    public JobStore store(Database db, JobProjection projection, MeterRegistry registry) {
        return new JobStore(db, projection, new StoreMetrics(registry));
    }

    @Produces
    @Singleton
    public QueueEstimator queueEstimator(JobStore store, Config config) {
        // the same weights as the workers' (ist.lanes.weights), so queue positions follow their picking order
        String weights = config.getOptionalValue("ist.lanes.weights", String.class).orElse("8,3,1");
        return new QueueEstimator(store, LaneSchedule.parseWeights(weights));
    }

    @Produces
    @Singleton
    public JobProjector projector(Database db, JobProjection projection, MeterRegistry registry, Config config,
                                  GatewaySettings settings, KafkaClientConfig client, KafkaAccess access) {
        String group = settings.projector().consumerGroup();
        JobProjector projector = new JobProjector(topics, db, projection, new ProjectorMetrics(registry), client,
                group, "ist-gateway-projector-" + UUID.randomUUID().toString().substring(0, 8),
                settings.projector().sessionTimeout()).watchedBy(access);
        if (kafka.createTopics()) {
            String workers = config.getOptionalValue("ist.topics.workers", String.class).orElse("ist.workers");
            Duration eventsRetention = config.getOptionalValue("ist.topics.events-retention", Duration.class)
                    .orElse(Duration.ofDays(1));
            // events: the projector has stored what clients need, so the topic keeps only a day to catch up with;
            // workers: the latest advert per worker (key), tombstones dropped soon
            Map<String, Map<String, String>> topicSettings = Map.of(
                    topics.events(), Map.of("retention.ms", Long.toString(eventsRetention.toMillis())),
                    workers, Map.of("cleanup.policy", "compact", "segment.ms", "3600000",
                            "delete.retention.ms", "3600000"));
            projector.preparingTopicsWith(() -> TopicCreator.ensure(client,
                    Stream.concat(topics.jobLanes().stream(),
                            Stream.of(topics.events(), topics.control(), topics.dlq(), workers)).toList(),
                    kafka.topicPartitions(), kafka.replicationFactor(), topicSettings));
        }
        projector.start();
        return projector;
    }

    void closeProjector(@Disposes JobProjector projector) {
        projector.close();
    }

    @Produces
    @Singleton
    public LiveEvents liveEvents(KafkaClientConfig client, KafkaAccess access) {
        LiveEvents live = new LiveEvents(topics.events(), client,
                "ist-gateway-live-" + UUID.randomUUID().toString().substring(0, 8)).watchedBy(access);
        live.start();
        return live;
    }

    void closeLiveEvents(@Disposes LiveEvents live) {
        live.close();
    }

    /** Start projecting and tailing when the application starts, not on the first request. */
    void onStart(@Observes StartupEvent event, JobProjector projector, LiveEvents live) {
        // injecting them creates and starts them
    }
}
