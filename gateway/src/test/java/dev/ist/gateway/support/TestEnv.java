package dev.ist.gateway.support;

import dev.ist.common.Topics;
import dev.ist.common.storage.ImageStore;
import dev.ist.common.storage.StorageConfig;
import dev.ist.testkit.KafkaBroker;
import dev.ist.testkit.PostgresServer;
import dev.ist.testkit.S3Server;

import java.util.Map;

/** What the test resource started, for tests that talk to Kafka or S3 directly. */
public final class TestEnv {

    /** API keys the test gateway knows (their SHA-256 hashes are configured, never the keys). */
    public static final String ALICE_KEY = "alice-secret-key-0001";
    public static final String BOB_KEY = "bob-secret-key-0002";
    /** At most 2 jobs in flight; the worker stand-in never starts its jobs. */
    public static final String LIMITED_KEY = "limited-secret-key-0003";
    /** At most 3 submissions per minute. */
    public static final String BURST_KEY = "burst-secret-key-0004";
    /** High limits; the stand-in leaves its jobs queued (submit latency bench). */
    public static final String BENCH_KEY = "bench-secret-key-0005";
    /** For the browser test. */
    public static final String PAGE_KEY = "page-secret-key-0006";
    /** At most 2 submissions or uploads per minute (upload rate test). */
    public static final String UPLOADS_KEY = "uploads-secret-key-0007";
    /** The stand-in stores the decoded, upright content as this key's results. */
    public static final String PHOTOS_KEY = "photos-secret-key-0008";
    /** A key for tests that count this key's requests (SSE streams, cancels); its jobs stay queued. */
    public static final String CAROL_KEY = "carol-secret-key-0009";
    /** Its jobs stay queued (the stand-in never starts them); for the queue position test only. */
    public static final String QUEUED_KEY = "queued-secret-key-0010";
    /** Granted max-priority high; the stand-in leaves its jobs queued (lane order and queue pushes). */
    public static final String LANES_KEY = "lanes-secret-key-0011";

    /** Webhook signing secrets the test gateway signs with (both: a rotation in progress). */
    public static final String WEBHOOK_SECRET_OLD = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    public static final String WEBHOOK_SECRET_NEW = "whsec_" + java.util.Base64.getEncoder()
            .encodeToString("a-new-secret-of-32-bytes-length!".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

    public static final long MAX_INPUT_BYTES = 300_000;
    public static final long MAX_INPUT_PIXELS = 4_000_000;

    /** The Idempotency-Key of the job whose whole history is on the topics before the gateway starts. */
    public static final String SEEDED_IDEMPOTENCY_KEY = "submitted-before-the-restart";

    static volatile String seededJobId;
    static volatile Topics topics;
    static volatile String bucket;
    static volatile WorkerStandIn worker;
    static volatile String workersTopic;
    static volatile String databaseUrl;
    static volatile PostgresServer privateDatabase;
    static volatile DatabaseRoles databaseRoles;
    static volatile KafkaBroker broker;
    static volatile Map<String, String> gatewayLogin = Map.of();
    static volatile Map<String, String> workerLogin = Map.of();

    private TestEnv() {
    }

    public static Topics topics() {
        return topics;
    }

    /** A finished job of alice's that an earlier gateway accepted (the one under test never saw it submitted). */
    public static String seededJobId() {
        return seededJobId;
    }

    /** The broker of this run: the testkit's shared one, or a secured one of its own (ist.test.secured-kafka). */
    public static KafkaBroker kafka() {
        KafkaBroker b = broker;
        return b != null ? b : KafkaBroker.shared();
    }

    /** On a secured broker: the client settings (bootstrap servers included) of the gateway's and the worker's users. */
    public static Map<String, String> gatewayLogin() {
        return gatewayLogin;
    }

    public static Map<String, String> workerLogin() {
        return workerLogin;
    }

    public static S3Server s3() {
        return S3Server.shared();
    }

    public static String bucket() {
        return bucket;
    }

    /** This run's worker capacity topic (ist.topics.workers). */
    public static String workersTopic() {
        return workersTopic;
    }

    /** The JDBC URL of this run's job database (on the testkit's shared PostgreSQL server). */
    public static String databaseUrl() {
        return databaseUrl;
    }

    /** The gateway's own PostgreSQL server, when its test resource was given {@code ist.test.private-database}. */
    public static PostgresServer privateDatabase() {
        return privateDatabase;
    }

    /** The owner and runtime roles, when the test resource was given {@code ist.test.separate-database-roles}. */
    public static DatabaseRoles databaseRoles() {
        return databaseRoles;
    }

    public static WorkerStandIn worker() {
        return worker;
    }

    /** A fresh storage client on the test bucket (close it). */
    public static ImageStore newStore() {
        return new ImageStore(StorageConfig.of(s3().endpoint(), s3().accessKey(), s3().secretKey(), bucket));
    }
}
