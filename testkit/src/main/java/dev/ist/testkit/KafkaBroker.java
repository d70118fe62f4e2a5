package dev.ist.testkit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Exit;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real Apache Kafka broker (KRaft, one node that is both broker and controller) running inside the test JVM on a
 * random loopback port. {@link #shared()} starts one per JVM on first use and stops it at JVM exit, so every test
 * class of a module shares it; tests keep apart by using their own topics ({@link #uniqueTopic(String)}) and
 * consumer groups.
 *
 * <p>Internal topics are configured for a single node (replication factor 1): without that, consumer groups and
 * transactions hang on INVALID_REPLICATION_FACTOR. Group rebalances are made fast for tests.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Object LOCK = new Object();
    private static KafkaBroker shared;

    private static final AtomicInteger TOPIC_COUNTER = new AtomicInteger();

    private final KafkaClusterTestKit cluster;
    private final String bootstrapServers;
    /** The super-user's client settings on a secured broker (empty on a plain one): what the testkit's own clients use. */
    private final Map<String, String> adminSecurity;
    /** The CA and stores behind the TLS listeners of a secured broker (null on a plain one). */
    private final TestCertificates certificates;
    private Admin admin;
    private boolean closed;

    private KafkaBroker(KafkaClusterTestKit cluster, Map<String, String> adminSecurity,
                        TestCertificates certificates) {
        this.cluster = cluster;
        this.bootstrapServers = cluster.bootstrapServers();
        this.adminSecurity = Map.copyOf(adminSecurity);
        this.certificates = certificates;
    }

    /** The broker of this JVM, started on first call (about two seconds) and stopped by a shutdown hook. */
    public static KafkaBroker shared() {
        synchronized (LOCK) {
            if (shared == null) {
                KafkaBroker broker = start(Map.of());
                Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "ist-testkit-kafka-stop"));
                shared = broker;
            }
            return shared;
        }
    }

    /**
     * A private broker, for a test that must stop or reconfigure it. Closing it is the caller's job.
     *
     * @param extraBrokerConfig broker settings on top of the test defaults (they win)
     */
    public static KafkaBroker start(Map<String, String> extraBrokerConfig) {
        return start(extraBrokerConfig, SecurityProtocol.PLAINTEXT, Map.of(), null);
    }

    /**
     * A private broker that refuses unauthenticated clients, as a secured production cluster does: its client listener
     * is SASL_PLAINTEXT with SCRAM-SHA-512 (users added by {@link #addScramUser}) and PLAIN for one super-user (a random
     * password, used by the testkit's own admin, producers and consumers), and the standard authorizer denies whatever
     * no ACL allows ({@code allow.everyone.if.no.acl.found=false}). Closing it is the caller's job.
     *
     * <p>It also has two TLS listeners, with certificates made for this broker ({@link TestCertificates}): SCRAM-SHA-512
     * over TLS ({@link #scramTlsBootstrapServers()}, {@link #scramTlsLogin}) and mutual TLS, where the client
     * certificate is the login and the principal is {@code User:CN=<name>} ({@link #mtlsBootstrapServers()},
     * {@link #mtlsLogin}).
     */
    public static KafkaBroker startSecured() {
        String password = UUID.randomUUID().toString();
        String plain = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + SUPER_USER
                + "\" password=\"" + password + "\"";
        Map<String, String> config = new HashMap<>();
        config.put("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-512");
        config.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        config.put("listener.name.external.plain.sasl.jaas.config", plain + " user_" + SUPER_USER + "=\"" + password
                + "\";");
        config.put("listener.name.external.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        config.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        // the controller listener stays local and unauthenticated inside the test JVM (its principal is ANONYMOUS)
        config.put("super.users", "User:" + SUPER_USER + ";User:ANONYMOUS");
        config.put("allow.everyone.if.no.acl.found", "false");
        TestCertificates certificates = TestCertificates.create();
        config.putAll(tlsListeners(certificates));
        return start(config, SecurityProtocol.SASL_PLAINTEXT, Map.of("security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "PLAIN", "sasl.jaas.config", plain + ";"), certificates);
    }

    /** The listener of SCRAM-SHA-512 over TLS, and the one of mutual TLS, on a {@link #startSecured()} broker. */
    private static final String SCRAM_TLS = "SCRAM_TLS";
    private static final String MTLS = "MTLS";

    /**
     * Two more client listeners beside the testkit's own (EXTERNAL, the super-user's and the inter-broker one, and
     * CONTROLLER), on ephemeral ports that {@link #boundPort} reads once the broker runs.
     */
    private static Map<String, String> tlsListeners(TestCertificates certificates) {
        Map<String, String> c = new HashMap<>();
        c.put("listeners", "EXTERNAL://localhost:0,CONTROLLER://localhost:0," + SCRAM_TLS + "://localhost:0," + MTLS
                + "://localhost:0");
        c.put("listener.security.protocol.map", "EXTERNAL:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT," + SCRAM_TLS
                + ":SASL_SSL," + MTLS + ":SSL");
        c.put("ssl.keystore.type", "PKCS12");
        c.put("ssl.keystore.location", certificates.serverKeystore().toString());
        c.put("ssl.keystore.password", certificates.password());
        c.put("ssl.truststore.type", "PKCS12");
        c.put("ssl.truststore.location", certificates.truststore().toString());
        c.put("ssl.truststore.password", certificates.password());
        String scram = "listener.name." + SCRAM_TLS.toLowerCase(java.util.Locale.ROOT) + ".";
        c.put(scram + "sasl.enabled.mechanisms", "SCRAM-SHA-512");
        c.put(scram + "scram-sha-512.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule"
                + " required;");
        // no certificate, no connection: the certificate is the login
        c.put("listener.name." + MTLS.toLowerCase(java.util.Locale.ROOT) + ".ssl.client.auth", "required");
        return c;
    }

    /** The super-user of a {@link #startSecured()} broker. */
    public static final String SUPER_USER = "ist-testkit-admin";

    private static KafkaBroker start(Map<String, String> extraBrokerConfig, SecurityProtocol protocol,
                                     Map<String, String> adminSecurity, TestCertificates certificates) {
        neverHaltTheTestJvm();
        Map<String, String> config = new HashMap<>(testDefaults());
        config.putAll(extraBrokerConfig);
        KafkaClusterTestKit cluster = null;
        try {
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBrokerSecurityProtocol(protocol)
                    .build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
            config.forEach(builder::setConfigProp);
            cluster = builder.build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new KafkaBroker(cluster, adminSecurity, certificates);
        } catch (Exception e) {
            if (cluster != null) {
                try {
                    cluster.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("could not start the test Kafka broker: " + e, e);
        }
    }

    /** Single-node settings for the internal topics and quick group coordination. */
    static Map<String, String> testDefaults() {
        Map<String, String> c = new HashMap<>();
        c.put("offsets.topic.replication.factor", "1");
        c.put("offsets.topic.num.partitions", "5");
        c.put("transaction.state.log.replication.factor", "1");
        c.put("transaction.state.log.min.isr", "1");
        c.put("transaction.state.log.num.partitions", "5");
        c.put("share.coordinator.state.topic.replication.factor", "1");
        c.put("share.coordinator.state.topic.min.isr", "1");
        c.put("share.coordinator.state.topic.num.partitions", "1");
        c.put("group.initial.rebalance.delay.ms", "0");
        c.put("group.min.session.timeout.ms", "500");
        c.put("group.consumer.min.session.timeout.ms", "3000");
        c.put("group.consumer.session.timeout.ms", "6000");
        c.put("group.consumer.min.heartbeat.interval.ms", "500");
        c.put("group.consumer.heartbeat.interval.ms", "500");
        c.put("auto.create.topics.enable", "true");
        c.put("num.partitions", "1");
        c.put("default.replication.factor", "1");
        c.put("min.insync.replicas", "1");
        c.put("log.flush.interval.messages", "1");
        return c;
    }

    /** {@code host:port} for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * Settings that point IST components at this broker: {@code ist.kafka.bootstrap-servers} (worker, CLI) and
     * {@code kafka.bootstrap.servers} (Quarkus).
     */
    public Map<String, String> istConfig() {
        return Map.of("ist.kafka.bootstrap-servers", bootstrapServers, "kafka.bootstrap.servers", bootstrapServers);
    }

    /** A topic name no other test uses: {@code prefix-<n>-<random>}. */
    public static String uniqueTopic(String prefix) {
        return prefix + "-" + TOPIC_COUNTER.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A shared admin client, closed with the broker. */
    public synchronized Admin admin() {
        ensureOpen();
        if (admin == null) {
            Map<String, Object> p = clientConfig();
            p.put(AdminClientConfig.CLIENT_ID_CONFIG, "ist-testkit-admin");
            admin = Admin.create(p);
        }
        return admin;
    }

    /**
     * Creates a topic with replication factor 1 and waits until the broker reports it with all partitions.
     * Creating a topic that exists with the same partition count is not an error.
     */
    public void createTopic(String name, int partitions) {
        try {
            admin().createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("could not create topic " + name + ": " + e.getCause(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("topic " + name + " was not created within 30 s", e);
        }
        awaitTopic(name, partitions);
    }

    private void awaitTopic(String name, int partitions) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                var description = admin().describeTopics(Set.of(name)).allTopicNames().get(10, TimeUnit.SECONDS)
                        .get(name);
                if (description != null && description.partitions().size() >= partitions
                        && description.partitions().stream().allMatch(p -> p.leader() != null)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topic " + name, e);
            } catch (ExecutionException | TimeoutException e) {
                last = e;
            }
            sleep(50);
        }
        throw new IllegalStateException("topic " + name + " did not become ready within 30 s", last);
    }

    /** Client settings every test client needs: the bootstrap servers (and, when secured, the super-user's login). */
    public Map<String, Object> clientConfig() {
        Map<String, Object> c = new HashMap<>(adminSecurity);
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return c;
    }

    /**
     * Adds (or replaces) a SCRAM-SHA-512 user on a {@link #startSecured()} broker and waits until it can log in.
     *
     * @return the client settings that log in as that user (without the bootstrap servers)
     */
    public Map<String, String> addScramUser(String user, String password) {
        try {
            admin().alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password))).all()
                    .get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (admin().describeUserScramCredentials(List.of(user)).all().get(10, TimeUnit.SECONDS).isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("SCRAM user " + user + " not visible within 30 s");
                }
                sleep(50);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not add SCRAM user " + user + ": " + e, e);
        }
        return scramLogin(user, password);
    }

    /** Client settings that log in as a SCRAM-SHA-512 user. */
    public static Map<String, String> scramLogin(String user, String password) {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                        + "\" password=\"" + password + "\";");
    }

    /** {@code host:port} of the SCRAM-over-TLS listener of a {@link #startSecured()} broker. */
    public String scramTlsBootstrapServers() {
        return "localhost:" + boundPort(SCRAM_TLS);
    }

    /** {@code host:port} of the mutual-TLS listener of a {@link #startSecured()} broker. */
    public String mtlsBootstrapServers() {
        return "localhost:" + boundPort(MTLS);
    }

    /**
     * Client settings that log in as a SCRAM-SHA-512 user over TLS, trusting this broker's CA (without the bootstrap
     * servers: {@link #scramTlsBootstrapServers()}).
     */
    public Map<String, String> scramTlsLogin(String user, String password) {
        Map<String, String> c = new HashMap<>(scramLogin(user, password));
        c.put("security.protocol", "SASL_SSL");
        c.putAll(trustThisBroker());
        return Map.copyOf(c);
    }

    /**
     * Client settings that log in with a client certificate for {@code CN=commonName} (made on first use), i.e. as
     * principal {@code User:CN=commonName}; without the bootstrap servers: {@link #mtlsBootstrapServers()}.
     */
    public Map<String, String> mtlsLogin(String commonName) {
        Map<String, String> c = new HashMap<>(trustThisBroker());
        c.put("security.protocol", "SSL");
        c.put("ssl.keystore.type", "PKCS12");
        c.put("ssl.keystore.location", tls().clientKeystore(commonName).toString());
        c.put("ssl.keystore.password", tls().password());
        return Map.copyOf(c);
    }

    private Map<String, String> trustThisBroker() {
        return Map.of("ssl.truststore.type", "PKCS12", "ssl.truststore.location", tls().truststore().toString(),
                "ssl.truststore.password", tls().password());
    }

    private TestCertificates tls() {
        if (certificates == null) {
            throw new IllegalStateException("this broker has no TLS listener: start it with startSecured()");
        }
        return certificates;
    }

    private int boundPort(String listener) {
        tls();
        return cluster.brokers().values().iterator().next().socketServer()
                .boundPort(new org.apache.kafka.common.network.ListenerName(listener));
    }

    /** Allows {@code user} the operations on a resource (a literal name, or every name with that prefix). */
    public void allow(String user, ResourceType type, String name, boolean prefixed, AclOperation... operations) {
        List<AclBinding> bindings = new java.util.ArrayList<>();
        for (AclOperation op : operations) {
            bindings.add(new AclBinding(new ResourcePattern(type, name, prefixed ? PatternType.PREFIXED
                    : PatternType.LITERAL), new AccessControlEntry("User:" + user, "*", op, AclPermissionType.ALLOW)));
        }
        try {
            admin().createAcls(bindings).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not create ACLs " + bindings + ": " + e, e);
        }
    }

    /** An idempotent producer with String keys (job ids) and byte[] values (encoded messages). */
    public KafkaProducer<String, byte[]> newProducer() {
        return newProducer(Map.of());
    }

    public KafkaProducer<String, byte[]> newProducer(Map<String, Object> overrides) {
        Map<String, Object> c = clientConfig();
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        c.putAll(overrides);
        return new KafkaProducer<>(c);
    }

    /**
     * A consumer in {@code groupId} with String keys and byte[] values that reads from the earliest offset and
     * commits only when told to.
     */
    public KafkaConsumer<String, byte[]> newConsumer(String groupId) {
        return newConsumer(groupId, Map.of());
    }

    public KafkaConsumer<String, byte[]> newConsumer(String groupId, Map<String, Object> overrides) {
        Map<String, Object> c = clientConfig();
        c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.putAll(overrides);
        return new KafkaConsumer<>(c);
    }

    /**
     * A broker that meets a fatal fault (typically while it is torn down at JVM exit, racing other shutdown hooks)
     * calls Kafka's {@code Exit.halt(1)}, which would end the test JVM with status 1 after every test passed and make
     * the build fail. In a test JVM the fault is reported instead.
     */
    private static void neverHaltTheTestJvm() {
        Exit.setHaltProcedure((status, message) ->
                System.err.println("[testkit] Kafka asked to halt the JVM (status " + status + "): " + message));
        Exit.setExitProcedure((status, message) ->
                System.err.println("[testkit] Kafka asked to exit the JVM (status " + status + "): " + message));
    }

    /** Stops the broker and deletes its data. The shared broker is closed by its shutdown hook. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        try {
            cluster.close();
            if (certificates != null) {
                certificates.delete();
            }
        } catch (Exception e) {
            // at JVM exit there is nobody left to tell; elsewhere the caller gets it
            if (!(e instanceof InterruptedException)) {
                throw new IllegalStateException("could not stop the test Kafka broker: " + e, e);
            }
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the test Kafka broker is closed");
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
