package dev.ist.gateway.capacity;

import dev.ist.common.capacity.WorkerCapacityTable;
import dev.ist.common.capacity.WorkerCapacity;
import dev.ist.common.capacity.WorkerCapacityFeeder;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

/**
 * The gateway's view of the fleet's capacity: the table, the feeder that fills it from the capacity topic
 * ({@code ist.topics.workers}, default {@code ist.workers}) and the quoter. An advertisement older than
 * {@code ist.capacity.max-age} (default 90 s, three of the workers' default 30 s refreshes) no longer counts.
 */
@ApplicationScoped
public class CapacityWiring {

    @Produces
    @Singleton
    public WorkerCapacityTable capacityTable(
            @ConfigProperty(name = "ist.capacity.max-age", defaultValue = "90s") Duration maxAge) {
        return new WorkerCapacityTable(maxAge);
    }

    @Produces
    @Singleton
    public WorkerCapacityFeeder capacityFeeder(WorkerCapacityTable table, dev.ist.common.kafka.KafkaClientConfig kafka,
            @ConfigProperty(name = WorkerCapacity.TOPIC_KEY, defaultValue = WorkerCapacity.DEFAULT_TOPIC) String topic) {
        WorkerCapacityFeeder feeder = new WorkerCapacityFeeder(table, topic, kafka,
                "ist-gateway-capacity-" + UUID.randomUUID().toString().substring(0, 8));
        feeder.start();
        return feeder;
    }

    void closeFeeder(@Disposes WorkerCapacityFeeder feeder) {
        feeder.close();
    }

    @Produces
    @Singleton
    public FleetQuoter fleetQuoter(WorkerCapacityTable table) {
        return new FleetQuoter(table, Clock.systemUTC());
    }

    /** Start reading at start-up, not on the first quote. */
    void onStart(@Observes StartupEvent event, WorkerCapacityFeeder feeder) {
        // injecting the feeder creates and starts it
    }
}
