package dev.ist.gateway.bench;

import dev.ist.common.Topics;
import dev.ist.gateway.auth.ApiKeyRegistry;
import dev.ist.gateway.support.GatewayProcess;
import dev.ist.testkit.KafkaBroker;
import dev.ist.testkit.PostgresServer;
import dev.ist.testkit.S3Server;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged gateway as a child JVM (-Xmx256m) on a given job database, the testkit's broker and S3 server. */
final class BenchGateway implements AutoCloseable {

    static final String KEY = "bench-secret-key-0001";

    final URI base;
    final Path log;
    final double readySeconds;
    private final Process process;

    private BenchGateway(URI base, Path log, Process process, double readySeconds) {
        this.base = base;
        this.log = log;
        this.process = process;
        this.readySeconds = readySeconds;
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("ist.gateway.jar", "target/quarkus-app/quarkus-run.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the packaged gateway is missing: " + jar.toAbsolutePath()
                    + " (build it: mvn -pl gateway -am -DskipTests package; ./ist bench --job-store does)");
        }
        return jar;
    }

    /** Starts it and waits for /q/health/ready; the time from the process start to ready is kept. */
    static BenchGateway start(String dbUrl, Topics topics, String bucket) throws Exception {
        KafkaBroker kafka = KafkaBroker.shared();
        S3Server s3 = S3Server.shared();
        int port = freePort();
        Path dir = Files.createDirectories(Path.of("target", "bench", "gateway-" + UUID.randomUUID()));
        Path log = dir.resolve("gateway.log");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-Xms256m",
                "-Dquarkus.http.port=" + port, "-Dquarkus.http.host=127.0.0.1",
                "-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("tmp")).toAbsolutePath(),
                "-Dist.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "-Dkafka.bootstrap.servers=" + kafka.bootstrapServers(),
                "-Dist.kafka.create-topics=false",
                "-Dist.topics.jobs=" + topics.jobs(), "-Dist.topics.events=" + topics.events(),
                "-Dist.topics.dlq=" + topics.dlq(), "-Dist.topics.control=" + topics.control(),
                "-Dist.db.url=" + dbUrl, "-Dist.db.user=" + PostgresServer.USER,
                "-Dist.db.password=" + PostgresServer.PASSWORD,
                "-Dist.s3.endpoint=" + s3.endpoint(), "-Dist.s3.access-key=" + s3.accessKey(),
                "-Dist.s3.secret-key=" + s3.secretKey(), "-Dist.s3.bucket=" + bucket, "-Dist.s3.region=" + s3.region(),
                "-Dist.gateway.api-keys=" + BulkJobs.OWNER + ":" + ApiKeyRegistry.sha256Hex(KEY) + ":100000:100000",
                "-jar", jar().toAbsolutePath().toString()));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        URI base = URI.create("http://127.0.0.1:" + port);
        GatewayProcess.awaitReady(base, p, log, Duration.ofSeconds(180), Duration.ofMillis(50));
        return new BenchGateway(base, log, p, (System.nanoTime() - t0) / 1e9);
    }

    /** kill -9. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** Heap in use after a full GC ({@code jcmd GC.run}, then {@code GC.heap_info}), in bytes. */
    long liveHeapBytes() throws Exception {
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        Matcher g1 = Pattern.compile("garbage-first heap\\s+total \\d+K, used (\\d+)K").matcher(info);
        if (g1.find()) {
            return Long.parseLong(g1.group(1)) * 1024;
        }
        long used = 0;
        Matcher gen = Pattern.compile("(?m)^\\s*\\S+ generation\\s+total \\d+K, used (\\d+)K").matcher(info);
        while (gen.find()) {
            used += Long.parseLong(gen.group(1)) * 1024;
        }
        if (used == 0) {
            throw new IllegalStateException("no heap figure in: " + info);
        }
        return used;
    }

    /** Resident set size of the gateway process, in bytes. */
    long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }

    private String jcmd(String command) throws Exception {
        Process j = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(process.pid()), command).redirectErrorStream(true).start();
        String out = new String(j.getInputStream().readAllBytes());
        j.waitFor();
        return out;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
