package dev.ist.worker.runtime;

import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.EventType;
import dev.ist.common.event.JobEvent;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.JobRequest;
import dev.ist.testkit.KafkaBroker;
import dev.ist.testkit.S3Server;
import dev.ist.testkit.TestImages;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On a broker that refuses unauthenticated clients and denies whatever no ACL allows: a worker logging in as its own
 * SCRAM user, with only the ACLs the README lists for a worker, runs a job end to end; its credentials cannot put a job
 * on a jobs topic, a gateway's cannot put an event on the events topic, and a wrong password gets nothing.
 */
class SecuredKafkaWorkerTest {

    private static KafkaBroker broker;

    @BeforeAll
    static void start() {
        broker = KafkaBroker.startSecured();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    /** The worker's ACLs (README, "Kafka users and ACLs"), on this harness's topic names. */
    private static Map<String, String> workerUser(WorkerHarness h) {
        String user = "ist-worker-" + UUID.randomUUID().toString().substring(0, 6);
        Map<String, String> login = broker.addScramUser(user, UUID.randomUUID().toString());
        broker.allow(user, ResourceType.TOPIC, h.topics.jobs(), true, AclOperation.READ, AclOperation.DESCRIBE);
        broker.allow(user, ResourceType.GROUP, h.group, false, AclOperation.READ);
        broker.allow(user, ResourceType.TOPIC, h.topics.events(), false, AclOperation.WRITE, AclOperation.READ,
                AclOperation.DESCRIBE);
        broker.allow(user, ResourceType.TOPIC, h.topics.dlq(), false, AclOperation.WRITE, AclOperation.DESCRIBE);
        broker.allow(user, ResourceType.TOPIC, h.topics.control(), false, AclOperation.READ, AclOperation.DESCRIBE);
        broker.allow(user, ResourceType.TOPIC, "ist.workers", false, AclOperation.READ, AclOperation.WRITE,
                AclOperation.DESCRIBE, AclOperation.CREATE);
        return login;
    }

    private static Map<String, String> gatewayUser(WorkerHarness h) {
        String user = "ist-gateway-" + UUID.randomUUID().toString().substring(0, 6);
        Map<String, String> login = broker.addScramUser(user, UUID.randomUUID().toString());
        broker.allow(user, ResourceType.TOPIC, h.topics.jobs(), true, AclOperation.WRITE, AclOperation.DESCRIBE);
        broker.allow(user, ResourceType.TOPIC, h.topics.control(), false, AclOperation.WRITE, AclOperation.DESCRIBE);
        broker.allow(user, ResourceType.TOPIC, h.topics.events(), false, AclOperation.READ, AclOperation.DESCRIBE);
        return login;
    }

    /** The worker's settings with its login as ist.kafka.client.* keys, as an operator would give them. */
    private static Map<String, String> loggedIn(Map<String, String> settings, Map<String, String> login) {
        Map<String, String> s = new HashMap<>(settings);
        login.forEach((k, v) -> s.put("ist.kafka.client." + k, v));
        return s;
    }

    @Test
    void aWorkerWithOnlyItsOwnAclsRunsAJobEndToEnd() {
        try (WorkerHarness h = new WorkerHarness("secured", S3Server.shared(), broker)) {
            h.startWorker(loggedIn(h.workerSettings("secured-worker"), workerUser(h)));
            ImageRef content = h.upload(TestImages.gradientPng(48, 36));
            ImageRef style = h.upload(TestImages.checkerboardPng(32, 32, 4));
            JobRequest request = h.request(content, style, WorkerHarness.tinyOptions(40, 3).build());
            h.submit(request);
            JobEvent terminal = h.awaitTerminal(request.jobId(), Duration.ofSeconds(120));
            assertEquals(EventType.SUCCEEDED, terminal.type(), String.valueOf(terminal.failure()));
        }
    }

    @Test
    void eachComponentsCredentialsAreRefusedWhatIsNotItsJob() {
        try (WorkerHarness h = new WorkerHarness("acl", S3Server.shared(), broker)) {
            Map<String, String> worker = workerUser(h);
            Map<String, String> gateway = gatewayUser(h);
            byte[] job = JsonCodec.shared().encode(h.request(new ImageRef("0".repeat(64)),
                    new ImageRef("0".repeat(64)), WorkerHarness.tinyOptions(40, 3).build()));
            byte[] event = JsonCodec.shared().encode(JobEvent.queued(UUID.randomUUID().toString(), Instant.now()));

            assertInstanceOf(TopicAuthorizationException.class, sendError(worker, h.topics.jobs(), job),
                    "a worker's credentials cannot put a job on a jobs topic");
            assertInstanceOf(TopicAuthorizationException.class, sendError(gateway, h.topics.events(), event),
                    "a gateway's credentials cannot put an event on the events topic");
            assertEquals(null, sendError(gateway, h.topics.jobs(), job), "while the gateway may submit");
            Map<String, String> wrongPassword = KafkaBroker.scramLogin(worker.get("sasl.jaas.config")
                    .replaceAll(".*username=\"([^\"]+)\".*", "$1"), "not-the-password");
            assertInstanceOf(SaslAuthenticationException.class, sendError(wrongPassword, h.topics.events(), event));
        }
    }

    @Test
    void aWorkerWithAWrongPasswordStaysUpNotReadySaysWhyAndRecoversOnceTheUserIsFixed() {
        try (WorkerHarness h = new WorkerHarness("wrong-password", S3Server.shared(), broker)) {
            Map<String, String> login = workerUser(h);
            String user = login.get("sasl.jaas.config").replaceAll(".*username=\"([^\"]+)\".*", "$1");
            String typo = "a-password-the-broker-does-not-know";
            Worker w = h.startWorker(loggedIn(h.workerSettings("typo-worker"), KafkaBroker.scramLogin(user, typo)));
            WorkerHarness.await("the worker to report the refused login", Duration.ofSeconds(60),
                    () -> w.kafkaAccessProblem().isPresent());
            assertTrue(w.kafkaAccessProblem().orElseThrow().contains("sasl.jaas.config"),
                    w.kafkaAccessProblem().orElseThrow());
            assertFalse(w.readiness().values().stream().allMatch(Boolean::booleanValue), "not ready: "
                    + w.readiness());
            assertTrue(w.metrics().registry().get("ist.kafka.access.failures").counters().stream()
                    .mapToDouble(c -> c.count()).sum() >= 1, "counted");

            broker.addScramUser(user, typo); // the operator fixes the broker's side; the worker is not restarted
            WorkerHarness.await("the worker to become ready", Duration.ofSeconds(120),
                    () -> w.readiness().values().stream().allMatch(Boolean::booleanValue));
            ImageRef content = h.upload(TestImages.gradientPng(48, 36));
            JobRequest request = h.request(content, content, WorkerHarness.tinyOptions(40, 2).build());
            h.submit(request);
            assertEquals(EventType.SUCCEEDED, h.awaitTerminal(request.jobId(), Duration.ofSeconds(120)).type());
        }
    }

    /** What sending one record as {@code login} fails with, or null when the broker takes it. */
    private static Throwable sendError(Map<String, String> login, String topic, byte[] value) {
        Map<String, Object> c = new HashMap<>(login);
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(withBootstrap(c),
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            p.send(new ProducerRecord<>(topic, UUID.randomUUID().toString(), value)).get(30, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (org.apache.kafka.common.KafkaException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError("no answer from the broker: " + e, e);
        }
    }

    private static Map<String, Object> withBootstrap(Map<String, Object> c) {
        c.put("bootstrap.servers", broker.bootstrapServers());
        return c;
    }
}
