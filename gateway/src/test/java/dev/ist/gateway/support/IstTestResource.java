package dev.ist.gateway.support;

import dev.ist.common.ObjectKeys;
import dev.ist.common.Topics;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.JobEvent;
import dev.ist.common.event.Losses;
import dev.ist.common.event.Progress;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.JobRequest;
import dev.ist.common.job.StyleRef;
import dev.ist.common.storage.ImageStore;
import dev.ist.gateway.auth.ApiKeyRegistry;
import dev.ist.gateway.submit.JobIds;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import dev.ist.testkit.KafkaBroker;
import dev.ist.testkit.PostgresServer;
import dev.ist.testkit.S3Server;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Starts the real parts the gateway talks to (a KRaft Kafka broker and an S3 server, both from the testkit), gives
 * this test run its own topics and bucket, configures the gateway for them, and starts the worker stand-in.
 */
public class IstTestResource implements QuarkusTestResourceLifecycleManager {

    /** Init arg: "true" gives this gateway a PostgreSQL server of its own, which the test may stop and start. */
    public static final String PRIVATE_DATABASE = "ist.test.private-database";
    /**
     * Init arg: "true" gives the gateway two roles, as in production: the database's owner for Flyway and a runtime
     * role with no rights of its own for the datasource (their names in {@link TestEnv#databaseRoles}).
     */
    public static final String SEPARATE_DATABASE_ROLES = "ist.test.separate-database-roles";

    /**
     * Init arg: "true" runs this gateway on a secured broker of its own ({@link KafkaBroker#startSecured()}): the
     * gateway logs in with SCRAM over TLS as its own user, the worker stand-in with a client certificate as its own,
     * each with only the README's ACLs for its component on this run's topics, and the gateway creates no topics.
     */
    public static final String SECURED_KAFKA = "ist.test.secured-kafka";

    private Map<String, String> overrides = Map.of();
    private PostgresServer privateServer;
    private KafkaBroker securedBroker;

    /** Init args (from a test profile's resource entry) override the settings below. */
    @Override
    public void init(Map<String, String> initArgs) {
        overrides = initArgs == null ? Map.of() : Map.copyOf(initArgs);
    }

    @Override
    public Map<String, String> start() {
        boolean secured = "true".equals(overrides.get(SECURED_KAFKA));
        securedBroker = secured ? KafkaBroker.startSecured() : null;
        KafkaBroker kafka = secured ? securedBroker : KafkaBroker.shared();
        TestEnv.broker = securedBroker;
        S3Server s3 = S3Server.shared();
        String run = UUID.randomUUID().toString().substring(0, 8);
        Topics topics = new Topics("gw-" + run + ".jobs", "gw-" + run + ".events", "gw-" + run + ".dlq",
                "gw-" + run + ".control");
        // several partitions, so the view's own assignment of every partition is exercised
        kafka.createTopic(topics.jobs(), 3);
        kafka.createTopic(topics.jobsHigh(), 3);
        kafka.createTopic(topics.jobsLow(), 3);
        kafka.createTopic(topics.events(), 3);
        kafka.createTopic(topics.control(), 2);
        kafka.createTopic(topics.dlq(), 1);
        TestEnv.workersTopic = "gw-" + run + ".workers";
        kafka.createTopic(TestEnv.workersTopic, 1);
        String bucket = "gw-" + run;
        s3.createBucket(bucket);
        TestEnv.topics = topics;
        TestEnv.bucket = bucket;

        seedHistory(kafka, topics);

        Map<String, String> gatewayLogin = secured ? gatewayUser(kafka, topics, "gw-" + run) : Map.of();
        Map<String, String> workerLogin = secured ? workerUser(kafka, topics, "gw-" + run) : Map.of();
        TestEnv.gatewayLogin = gatewayLogin;
        TestEnv.workerLogin = workerLogin;
        WorkerStandIn worker = secured
                ? new WorkerStandIn(workerLogin.get("bootstrap.servers"), without(workerLogin, "bootstrap.servers"),
                        topics, TestEnv.newStore())
                : new WorkerStandIn(kafka.bootstrapServers(), topics, TestEnv.newStore());
        worker.alreadyFinished(TestEnv.seededJobId);
        worker.start();
        TestEnv.worker = worker;

        Map<String, String> c = new HashMap<>();
        boolean own = "true".equals(overrides.get(PRIVATE_DATABASE));
        PostgresServer pg = own ? PostgresServer.start() : PostgresServer.shared();
        privateServer = own ? pg : null;
        TestEnv.privateDatabase = privateServer;
        String database = pg.newDatabase("gw_" + run);
        TestEnv.databaseUrl = pg.jdbcUrl(database);
        c.put("ist.db.url", TestEnv.databaseUrl);
        if ("true".equals(overrides.get(SEPARATE_DATABASE_ROLES))) {
            DatabaseRoles roles = DatabaseRoles.create(pg, database, "gw_" + run);
            TestEnv.databaseRoles = roles;
            c.put("ist.db.migration-user", roles.owner());
            c.put("ist.db.migration-password", roles.ownerPassword());
            c.put("ist.db.user", roles.runtime());
            c.put("ist.db.password", roles.runtimePassword());
        } else {
            TestEnv.databaseRoles = null;
            c.put("ist.db.user", PostgresServer.USER);
            c.put("ist.db.password", PostgresServer.PASSWORD);
        }
        c.put("ist.gateway.projector.consumer-group", "gw-" + run + ".projector");
        c.put("ist.kafka.bootstrap-servers", kafka.bootstrapServers());
        c.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        c.put("ist.kafka.create-topics", "true");
        if (secured) {
            c.put("ist.kafka.bootstrap-servers", gatewayLogin.get("bootstrap.servers"));
            c.put("kafka.bootstrap.servers", gatewayLogin.get("bootstrap.servers"));
            without(gatewayLogin, "bootstrap.servers").forEach((k, v) -> c.put("ist.kafka.client." + k, v));
            // the topics exist; the gateway's user has no CREATE (README: only where ist.kafka.create-topics=true)
            c.put("ist.kafka.create-topics", "false");
        }
        c.put("ist.topics.jobs", topics.jobs());
        c.put("ist.topics.events", topics.events());
        c.put("ist.topics.dlq", topics.dlq());
        c.put("ist.topics.control", topics.control());
        c.put("ist.topics.workers", TestEnv.workersTopic);
        c.put("ist.s3.endpoint", s3.endpoint());
        c.put("ist.s3.access-key", s3.accessKey());
        c.put("ist.s3.secret-key", s3.secretKey());
        c.put("ist.s3.bucket", bucket);
        c.put("ist.s3.region", s3.region());
        c.put("ist.gateway.allow-anonymous", "false");
        c.put("ist.gateway.model-admins", "alice");
        c.put("ist.gateway.api-keys", String.join(",",
                "alice:" + ApiKeyRegistry.sha256Hex(TestEnv.ALICE_KEY),
                "bob:" + ApiKeyRegistry.sha256Hex(TestEnv.BOB_KEY),
                "limited:" + ApiKeyRegistry.sha256Hex(TestEnv.LIMITED_KEY) + ":2:1000",
                "burst:" + ApiKeyRegistry.sha256Hex(TestEnv.BURST_KEY) + ":100:3",
                "bench:" + ApiKeyRegistry.sha256Hex(TestEnv.BENCH_KEY) + ":100000:100000",
                "page:" + ApiKeyRegistry.sha256Hex(TestEnv.PAGE_KEY) + ":20:1000",
                "uploads:" + ApiKeyRegistry.sha256Hex(TestEnv.UPLOADS_KEY) + ":20:2",
                "photos:" + ApiKeyRegistry.sha256Hex(TestEnv.PHOTOS_KEY) + ":40:1000",
                "limited2:" + ApiKeyRegistry.sha256Hex(TestEnv.CAROL_KEY) + ":40:1000",
                "queued:" + ApiKeyRegistry.sha256Hex(TestEnv.QUEUED_KEY) + ":40:1000",
                "lanes:" + ApiKeyRegistry.sha256Hex(TestEnv.LANES_KEY) + ":40:1000:high"));
        c.put("ist.gateway.limits.max-in-flight", "20");
        c.put("ist.gateway.limits.submissions-per-minute", "1000");
        c.put("ist.limits.max-input-bytes", Long.toString(TestEnv.MAX_INPUT_BYTES));
        c.put("ist.limits.max-input-pixels", Long.toString(TestEnv.MAX_INPUT_PIXELS));
        c.put("ist.gateway.sse.heartbeat", "1s");
        // webhooks: a loopback receiver over plain http, fast retries; two secrets (a rotation in progress)
        c.put("ist.gateway.webhooks.secrets", TestEnv.WEBHOOK_SECRET_OLD + "," + TestEnv.WEBHOOK_SECRET_NEW);
        c.put("ist.gateway.webhooks.allow-private", "true");
        c.put("ist.gateway.webhooks.allow-http", "true");
        c.put("ist.gateway.webhooks.initial-backoff", "200ms");
        c.put("ist.gateway.webhooks.max-backoff", "1s");
        c.put("ist.gateway.webhooks.rescan", "1s");
        c.put("ist.gateway.webhooks.consumer-group", "gw-" + run + ".webhooks");
        c.putAll(overrides);
        c.remove(PRIVATE_DATABASE);
        c.remove(SEPARATE_DATABASE_ROLES);
        c.remove(SECURED_KAFKA);
        return c;
    }

    /**
     * Writes the full history of one finished job onto the topics before the gateway starts, as an earlier gateway
     * instance and a worker would have: the gateway under test must know it from the topics alone.
     */
    private static void seedHistory(KafkaBroker kafka, Topics topics) {
        String id = JobIds.forIdempotencyKey("alice", TestEnv.SEEDED_IDEMPOTENCY_KEY);
        Instant t0 = Instant.now().minusSeconds(600);
        try (ImageStore store = TestEnv.newStore();
             KafkaProducer<String, byte[]> producer = kafka.newProducer()) {
            ImageRef content = new ImageRef(store.putContentAddressed(Jobs.CONTENT, "image/png").key()
                    .substring(ObjectKeys.INPUTS_PREFIX.length()));
            ImageRef style = new ImageRef(store.putContentAddressed(Jobs.STYLE, "image/png").key()
                    .substring(ObjectKeys.INPUTS_PREFIX.length()));
            String resultKey = ObjectKeys.result(id, "png");
            store.put(resultKey, WorkerStandIn.resultImage(), "image/png");
            JobRequest request = JobRequest.of(id, t0, content, List.of(new StyleRef(style, 1.0)),
                    JobOptions.builder().size(64).iterations(10).build(), "alice");
            Progress progress = new Progress(10, 10, 0, 1, 64, 48, new Losses(1, 2, 0, 3), 900, null);
            JsonCodec codec = JsonCodec.shared();
            producer.send(new ProducerRecord<>(topics.jobs(), id, codec.encode(request))).get();
            for (JobEvent e : List.of(
                    JobEvent.queued(id, t0),
                    JobEvent.running(id, 1, t0.plusSeconds(1), "earlier-worker", Map.of("queueWait", 1000L)),
                    JobEvent.progress(id, 2, t0.plusSeconds(2), "earlier-worker", progress),
                    JobEvent.succeeded(id, 3, t0.plusSeconds(3), "earlier-worker", progress, resultKey, null,
                            Map.of("total", 2000L)))) {
                producer.send(new ProducerRecord<>(topics.events(), id, codec.encode(e))).get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not seed the topics: " + e, e);
        }
        TestEnv.seededJobId = id;
    }

    /**
     * The gateway's user (SCRAM-SHA-512 over TLS) with the README's gateway ACLs on this run's names: the jobs lanes
     * (prefix) and control written, jobs lanes, events, control and workers read (no event is the gateway's to
     * write), its two groups.
     */
    private static Map<String, String> gatewayUser(KafkaBroker kafka, Topics topics, String run) {
        String user = run + "-gateway";
        String password = UUID.randomUUID().toString();
        kafka.addScramUser(user, password);
        kafka.allow(user, ResourceType.TOPIC, topics.jobs(), true, AclOperation.WRITE, AclOperation.READ,
                AclOperation.DESCRIBE);
        kafka.allow(user, ResourceType.TOPIC, topics.control(), false, AclOperation.WRITE, AclOperation.READ,
                AclOperation.DESCRIBE);
        kafka.allow(user, ResourceType.TOPIC, topics.events(), false, AclOperation.READ, AclOperation.DESCRIBE);
        kafka.allow(user, ResourceType.TOPIC, TestEnv.workersTopic, false, AclOperation.READ, AclOperation.DESCRIBE);
        kafka.allow(user, ResourceType.GROUP, run + ".projector", false, AclOperation.READ);
        kafka.allow(user, ResourceType.GROUP, run + ".webhooks", false, AclOperation.READ);
        Map<String, String> login = new HashMap<>(kafka.scramTlsLogin(user, password));
        login.put("bootstrap.servers", kafka.scramTlsBootstrapServers());
        return Map.copyOf(login);
    }

    /**
     * The worker's user (a client certificate: principal User:CN=...) with the README's worker ACLs on this run's
     * names: jobs lanes read in its group, events written and read, control read, workers written and read.
     */
    private static Map<String, String> workerUser(KafkaBroker kafka, Topics topics, String run) {
        String commonName = run + "-worker";
        String principal = "CN=" + commonName;
        kafka.allow(principal, ResourceType.TOPIC, topics.jobs(), true, AclOperation.READ, AclOperation.DESCRIBE);
        kafka.allow(principal, ResourceType.GROUP, WorkerStandIn.GROUP, false, AclOperation.READ);
        kafka.allow(principal, ResourceType.TOPIC, topics.events(), false, AclOperation.WRITE, AclOperation.READ,
                AclOperation.DESCRIBE);
        kafka.allow(principal, ResourceType.TOPIC, topics.dlq(), false, AclOperation.WRITE, AclOperation.DESCRIBE);
        kafka.allow(principal, ResourceType.TOPIC, topics.control(), false, AclOperation.READ, AclOperation.DESCRIBE);
        kafka.allow(principal, ResourceType.TOPIC, TestEnv.workersTopic, false, AclOperation.READ,
                AclOperation.WRITE, AclOperation.DESCRIBE);
        Map<String, String> login = new HashMap<>(kafka.mtlsLogin(commonName));
        login.put("bootstrap.servers", kafka.mtlsBootstrapServers());
        return Map.copyOf(login);
    }

    private static Map<String, String> without(Map<String, String> m, String key) {
        Map<String, String> copy = new HashMap<>(m);
        copy.remove(key);
        return copy;
    }

    @Override
    public void stop() {
        WorkerStandIn w = TestEnv.worker;
        if (w != null) {
            w.close();
        }
        if (securedBroker != null) {
            securedBroker.close();
            TestEnv.broker = null;
        }
        if (privateServer != null) {
            privateServer.close();
        }
    }
}
