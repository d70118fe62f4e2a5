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
import org.apache.kafka.common.errors.SslAuthenticationException;
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
 * on a jobs topic, a gateway's cannot advertise worker capacity, and a wrong password gets nothing. The same
 * holds over TLS: SCRAM over TLS, and mutual TLS where the client certificate is the login ({@code User:CN=...}). A
 * worker that does not trust the broker's certificate stays up, not ready, and names the setting; one whose truststore
 * cannot be opened refuses to start, in one line naming the setting.
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
        allowWorker(user, h);
        return login;
    }

    private static void allowWorker(String user, WorkerHarness h) {
        broker.allow(user, ResourceType.TOPIC, h.topics.jobs(), true, AclOperation.READ, AclOperation.DESCRIBE);
        broker.allow(user, ResourceType.GROUP, h.group, false, AclOperation.READ);
        broker.allow(user, ResourceType.TOPIC, h.topics.events(), false, AclOperation.WRITE, AclOperation.READ,
                AclOperation.DESCRIBE);
        broker.allow(user, ResourceType.TOPIC, h.topics.dlq(), false, AclOperation.WRITE, AclOperation.DESCRIBE);
        broker.allow(user, ResourceType.TOPIC, h.topics.control(), false, AclOperation.READ, AclOperation.DESCRIBE);
        broker.allow(user, ResourceType.TOPIC, "ist.workers", false, AclOperation.READ, AclOperation.WRITE,
                AclOperation.DESCRIBE, AclOperation.CREATE);
    }

    private static Map<String, String> gatewayUser(WorkerHarness h) {
        String user = "ist-gateway-" + UUID.randomUUID().toString().substring(0, 6);
        Map<String, String> login = broker.addScramUser(user, UUID.randomUUID().toString());
        broker.allow(user, ResourceType.TOPIC, h.topics.jobs(), true, AclOperation.WRITE, AclOperation.DESCRIBE);
        broker.allow(user, ResourceType.TOPIC, h.topics.control(), false, AclOperation.WRITE, AclOperation.DESCRIBE);
        // READ only: workers write every event, the gateway none (it stores each job's QUEUED event with its row)
        broker.allow(user, ResourceType.TOPIC, h.topics.events(), false, AclOperation.READ, AclOperation.DESCRIBE);
        broker.allow(user, ResourceType.TOPIC, "ist.workers", false, AclOperation.READ, AclOperation.DESCRIBE);
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
            runsAJob(h, h.startWorker(loggedIn(h.workerSettings("secured-worker"), workerUser(h))));
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
            assertInstanceOf(TopicAuthorizationException.class, sendError(gateway, "ist.workers", event),
                    "a gateway's credentials cannot advertise worker capacity");
            assertInstanceOf(TopicAuthorizationException.class, sendError(gateway, h.topics.events(), event),
                    "a gateway's credentials cannot put an event on the events topic (only workers write events)");
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

    @Test
    void aWorkerLoggingInWithScramOverTlsRunsAJobEndToEnd() {
        try (WorkerHarness h = new WorkerHarness("scram-tls", S3Server.shared(), broker)) {
            String user = "ist-worker-" + UUID.randomUUID().toString().substring(0, 6);
            String password = UUID.randomUUID().toString();
            broker.addScramUser(user, password);
            allowWorker(user, h);
            Map<String, String> settings = loggedIn(h.workerSettings("scram-tls-worker"),
                    broker.scramTlsLogin(user, password));
            settings.put("ist.kafka.bootstrap-servers", broker.scramTlsBootstrapServers());
            runsAJob(h, h.startWorker(settings));
        }
    }

    @Test
    void aWorkerWhoseClientCertificateIsItsLoginRunsAJobEndToEndWithOnlyItsAcls() {
        try (WorkerHarness h = new WorkerHarness("mtls", S3Server.shared(), broker)) {
            String commonName = "ist-worker-" + UUID.randomUUID().toString().substring(0, 6);
            allowWorker("CN=" + commonName, h); // the broker's principal for a certificate is User:CN=<name>
            Map<String, String> settings = loggedIn(h.workerSettings("mtls-worker"), broker.mtlsLogin(commonName));
            settings.put("ist.kafka.bootstrap-servers", broker.mtlsBootstrapServers());
            runsAJob(h, h.startWorker(settings));
        }
    }

    @Test
    void aCertificateWithoutAclsGetsNothingAndNoCertificateGetsNoConnection() {
        try (WorkerHarness h = new WorkerHarness("mtls-acl", S3Server.shared(), broker)) {
            byte[] event = JsonCodec.shared().encode(JobEvent.queued(UUID.randomUUID().toString(), Instant.now()));
            Map<String, String> stranger = broker.mtlsLogin("ist-stranger");
            assertInstanceOf(TopicAuthorizationException.class,
                    sendError(stranger, broker.mtlsBootstrapServers(), h.topics.events(), event));
            Map<String, String> noCertificate = new HashMap<>(stranger);
            noCertificate.keySet().removeIf(k -> k.startsWith("ssl.keystore."));
            assertInstanceOf(SslAuthenticationException.class,
                    sendError(noCertificate, broker.mtlsBootstrapServers(), h.topics.events(), event));
        }
    }

    @Test
    void aWorkerThatDoesNotTrustTheBrokersCertificateStaysUpNotReadyAndNamesTheTruststoreSetting() {
        try (WorkerHarness h = new WorkerHarness("no-truststore", S3Server.shared(), broker)) {
            String commonName = "ist-worker-" + UUID.randomUUID().toString().substring(0, 6);
            allowWorker("CN=" + commonName, h);
            Map<String, String> login = new HashMap<>(broker.mtlsLogin(commonName));
            login.keySet().removeIf(k -> k.startsWith("ssl.truststore.")); // the JDK's CAs do not know the test CA
            Map<String, String> settings = loggedIn(h.workerSettings("no-truststore-worker"), login);
            settings.put("ist.kafka.bootstrap-servers", broker.mtlsBootstrapServers());
            notReadyNaming(h.startWorker(settings), "ssl.truststore");
        }
    }

    /**
     * A store that cannot be opened makes every client constructor throw and no retry can fix it: the worker refuses to
     * start, with one line naming the setting (WorkerMain prints it and exits 2), instead of a stack trace.
     */
    @Test
    void aWorkerWhoseTruststoreCannotBeOpenedRefusesToStartWithOneLineNamingTheSetting() {
        try (WorkerHarness h = new WorkerHarness("truststore-password", S3Server.shared(), broker)) {
            Map<String, String> settings = loggedIn(h.workerSettings("truststore-password-worker"),
                    broker.scramTlsLogin("ist-worker-unused", "unused"));
            settings.put("ist.kafka.bootstrap-servers", broker.scramTlsBootstrapServers());

            settings.put("ist.kafka.client.ssl.truststore.password", "not-the-truststore-password");
            IllegalArgumentException wrongPassword = assertThrows(IllegalArgumentException.class,
                    () -> h.startWorker(settings));
            assertTrue(wrongPassword.getMessage().startsWith("ssl.truststore.password does not open "),
                    wrongPassword.getMessage());

            settings.put("ist.kafka.client.ssl.truststore.location", "/nonexistent/truststore.p12");
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                    () -> h.startWorker(settings));
            assertTrue(missing.getMessage().startsWith("ssl.truststore.location: no readable file"),
                    missing.getMessage());
            assertFalse(missing.getMessage().contains("\n") || wrongPassword.getMessage().contains("\n"));
        }
    }

    private static void notReadyNaming(Worker w, String setting) {
        WorkerHarness.await("the worker to report the Kafka problem", Duration.ofSeconds(60),
                () -> w.kafkaAccessProblem().isPresent());
        String problem = w.kafkaAccessProblem().orElseThrow();
        assertTrue(problem.contains(setting), problem);
        assertFalse(problem.contains("\n"), "one line: " + problem);
        assertFalse(w.readiness().values().stream().allMatch(Boolean::booleanValue), "not ready: " + w.readiness());
    }

    private static void runsAJob(WorkerHarness h, Worker w) {
        ImageRef content = h.upload(TestImages.gradientPng(48, 36));
        ImageRef style = h.upload(TestImages.checkerboardPng(32, 32, 4));
        JobRequest request = h.request(content, style, WorkerHarness.tinyOptions(40, 3).build());
        h.submit(request);
        JobEvent terminal = h.awaitTerminal(request.jobId(), Duration.ofSeconds(120));
        assertEquals(EventType.SUCCEEDED, terminal.type(), String.valueOf(terminal.failure()));
        assertTrue(w.kafkaAccessProblem().isEmpty(), () -> w.kafkaAccessProblem().orElseThrow());
    }

    /** What sending one record as {@code login} fails with, or null when the broker takes it. */
    private static Throwable sendError(Map<String, String> login, String topic, byte[] value) {
        return sendError(login, broker.bootstrapServers(), topic, value);
    }

    private static Throwable sendError(Map<String, String> login, String bootstrapServers, String topic,
                                       byte[] value) {
        Map<String, Object> c = new HashMap<>(login);
        c.put("bootstrap.servers", bootstrapServers);
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(c,
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
}
