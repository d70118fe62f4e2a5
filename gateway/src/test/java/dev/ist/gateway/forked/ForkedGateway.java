package dev.ist.gateway.forked;

import dev.ist.common.Topics;
import dev.ist.gateway.auth.ApiKeyRegistry;
import dev.ist.gateway.support.GatewayProcess;
import dev.ist.gateway.support.RunTopics;
import dev.ist.testkit.KafkaBroker;
import dev.ist.testkit.PostgresServer;
import dev.ist.testkit.S3Server;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged gateway ({@code target/quarkus-app/quarkus-run.jar}) as a child JVM with a small heap, against the
 * testkit's real broker and S3 server: what a pod with a memory limit would be.
 */
final class ForkedGateway implements AutoCloseable {

    static final String KEY = "forked-secret-key-0001";

    final Topics topics;
    final String bucket;
    final Path log;
    final URI base;
    private final Process process;

    private ForkedGateway(Topics topics, String bucket, Path log, URI base, Process process) {
        this.topics = topics;
        this.bucket = bucket;
        this.log = log;
        this.base = base;
        this.process = process;
    }

    /** Fresh topics and bucket for one run. */
    static Topics newTopics(String run) {
        return RunTopics.create(KafkaBroker.shared(), "fk-" + run);
    }

    static ForkedGateway start(String name, Topics topics, String bucket, String heap, Map<String, String> extra)
            throws Exception {
        return start(name, topics, bucket, heap, newDatabase(name), extra);
    }

    /** A fresh, empty database on the shared PostgreSQL server, as a JDBC URL (for gateways that share one). */
    static String newDatabase(String name) {
        PostgresServer pg = PostgresServer.shared();
        return pg.jdbcUrl(pg.newDatabase("fk_" + name));
    }

    /** A gateway on the database {@code jdbcUrl} (user and password of the testkit's servers). */
    static ForkedGateway start(String name, Topics topics, String bucket, String heap, String jdbcUrl,
                               Map<String, String> extra) throws Exception {
        Path jar = Path.of(System.getProperty("ist.gateway.jar", "target/quarkus-app/quarkus-run.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the packaged gateway is missing: " + jar.toAbsolutePath()
                    + " (integration tests run after package)");
        }
        KafkaBroker kafka = KafkaBroker.shared();
        S3Server s3 = S3Server.shared();
        int port = freePort();
        Path dir = Files.createDirectories(Path.of("target", "forked", name + "-" + UUID.randomUUID()));
        Path log = dir.resolve("gateway.log");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-Xms" + heap,
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.body.uploads-directory=" + dir.resolve("uploads").toAbsolutePath(),
                "-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("tmp")).toAbsolutePath(),
                "-Dist.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "-Dkafka.bootstrap.servers=" + kafka.bootstrapServers(),
                "-Dist.kafka.create-topics=false",
                "-Dist.topics.jobs=" + topics.jobs(),
                "-Dist.topics.events=" + topics.events(),
                "-Dist.topics.dlq=" + topics.dlq(),
                "-Dist.topics.control=" + topics.control(),
                "-Dist.db.url=" + jdbcUrl,
                "-Dist.db.user=" + PostgresServer.USER,
                "-Dist.db.password=" + PostgresServer.PASSWORD,
                "-Dist.s3.endpoint=" + s3.endpoint(),
                "-Dist.s3.access-key=" + s3.accessKey(),
                "-Dist.s3.secret-key=" + s3.secretKey(),
                "-Dist.s3.bucket=" + bucket,
                "-Dist.s3.region=" + s3.region(),
                "-Dist.gateway.api-keys=forked:" + ApiKeyRegistry.sha256Hex(KEY) + ":1000:100000"));
        extra.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(jar.toAbsolutePath().toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ForkedGateway g = new ForkedGateway(topics, bucket, log, URI.create("http://127.0.0.1:" + port), p);
        GatewayProcess.awaitReady(g.base, p, log, Duration.ofSeconds(120), Duration.ofMillis(200));
        return g;
    }

    /** The gateway's own gauge: the sum of the heap pools' peak usage since start. */
    long heapPeakBytes() throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^ist_jvm_heap_peak_bytes(?:\\{[^}]*\\})? ([0-9.eE+]+)$").matcher(metrics);
        if (!m.find()) {
            throw new AssertionError("no ist_jvm_heap_peak_bytes in /q/metrics");
        }
        return (long) Double.parseDouble(m.group(1));
    }

    /** kill -9: the process ends at once, without its shutdown hooks (no consumer leaves its group). */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    boolean alive() {
        return process.isAlive();
    }

    String logText() throws IOException {
        return Files.readString(log);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
