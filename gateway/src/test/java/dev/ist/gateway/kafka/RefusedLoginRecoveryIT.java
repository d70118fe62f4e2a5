package dev.ist.gateway.kafka;

import dev.ist.common.Topics;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.JobRequest;
import dev.ist.common.job.StyleRef;
import dev.ist.common.kafka.KafkaClientConfig;
import dev.ist.gateway.store.Database;
import dev.ist.gateway.store.JobProjection;
import dev.ist.gateway.store.JobProjector;
import dev.ist.gateway.store.JobStore;
import dev.ist.gateway.store.LiveEvents;
import dev.ist.gateway.store.ProjectorMetrics;
import dev.ist.gateway.store.StoreMetrics;
import dev.ist.gateway.support.FreshProjection;
import dev.ist.gateway.support.RunTopics;
import dev.ist.testkit.KafkaBroker;
import dev.ist.testkit.PostgresServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The gateway's readers on a broker that refuses their login (a real SCRAM broker with deny-by-default ACLs): the
 * projector and the live-event tail stay alive, the problem is one entry per client naming the setting (what readiness
 * reports), counted, and once the broker's side is fixed they heal by themselves and project what was published.
 * An IT (its own JVM, no Quarkus app in it): after an in-process Quarkus test has run, the embedded broker refuses new
 * PLAIN logins of its own admin (UnsupportedCallbackException on the broker's side), so it cannot share their JVM.
 */
class RefusedLoginRecoveryIT {

    private static KafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = KafkaBroker.startSecured();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aRefusedLoginLeavesTheReadersAliveSayingWhyAndTheyRecoverOnceTheUserExists() throws Exception {
        String run = "refused-" + UUID.randomUUID().toString().substring(0, 6);
        Topics topics = RunTopics.create(broker, run);
        String user = run + "-gateway";
        String password = UUID.randomUUID().toString();
        // the user does not exist yet: every login is refused, as with a wrong password
        KafkaClientConfig client = new KafkaClientConfig(broker.bootstrapServers(),
                KafkaBroker.scramLogin(user, password));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        KafkaAccess access = new KafkaAccess(registry);
        DataSource ds = FreshProjection.newDatabase(PostgresServer.shared(), "refused");
        JobStore store = new JobStore(new Database(ds), new JobProjection(100), StoreMetrics.unregistered());

        try (JobProjector projector = new JobProjector(topics, new Database(ds), new JobProjection(100),
                new ProjectorMetrics(registry), client, run + ".projector", run + "-projector", Duration.ofSeconds(10))
                .watchedBy(access);
             LiveEvents live = new LiveEvents(topics.events(), client, run + "-live").watchedBy(access)) {
            projector.start();
            live.start();

            await("both readers report the refused login", () -> access.problems().keySet()
                    .containsAll(List.of("job-projector", "live-events")));
            access.problems().values().forEach(p -> assertTrue(p.contains("sasl.jaas.config"), p));
            assertTrue(projector.isAlive(), "a refused login is not a reason to die (liveness stays up)");
            double failures = registry.find("ist.kafka.access.failures").counters().stream()
                    .mapToDouble(c -> c.count()).sum();
            assertTrue(failures >= 2, "counted per client: " + failures);

            // the operator fixes the broker's side: the user, and the gateway's ACLs from the README
            broker.addScramUser(user, password);
            broker.allow(user, ResourceType.TOPIC, topics.jobs(), true, AclOperation.WRITE, AclOperation.READ,
                    AclOperation.DESCRIBE);
            broker.allow(user, ResourceType.TOPIC, topics.events(), false, AclOperation.READ, AclOperation.DESCRIBE);
            broker.allow(user, ResourceType.TOPIC, topics.control(), false, AclOperation.WRITE, AclOperation.READ,
                    AclOperation.DESCRIBE);
            broker.allow(user, ResourceType.GROUP, run + ".projector", false, AclOperation.READ);

            await("the readers heal by themselves", () -> access.problems().isEmpty());
            String id = UUID.randomUUID().toString();
            ImageRef img = new ImageRef("a".repeat(64));
            JobRequest request = JobRequest.of(id, Instant.now(), img, List.of(new StyleRef(img, 1)),
                    JobOptions.defaults(), "alice");
            try (KafkaProducer<String, byte[]> p = broker.newProducer()) {
                p.send(new ProducerRecord<>(topics.jobs(), id, JsonCodec.shared().encode(request)))
                        .get(30, TimeUnit.SECONDS);
            }
            await("the recovered projector projects a job published afterwards", () -> store.find(id).isPresent());
            assertTrue(projector.isAlive());
            assertEquals(Map.of(), access.problems());
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within 90 s: " + what);
            }
            Thread.sleep(100);
        }
    }
}
