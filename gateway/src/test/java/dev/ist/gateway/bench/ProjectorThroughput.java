package dev.ist.gateway.bench;

import dev.ist.gateway.support.RunTopics;
import dev.ist.common.Topics;
import dev.ist.gateway.store.Database;
import dev.ist.gateway.store.JobProjection;
import dev.ist.gateway.store.JobProjector;
import dev.ist.gateway.store.ProjectorMetrics;
import dev.ist.gateway.support.FreshProjection;
import dev.ist.testkit.KafkaBroker;
import dev.ist.testkit.PostgresServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * The projector of the gateway (the production class, in this JVM) reading realistic jobs from the real broker into
 * an empty database: the records are published first, then the rate is taken from its first committed poll to the
 * last (the group join is not counted).
 */
final class ProjectorThroughput {

    record Result(int jobs, long events, long records, double seconds) {
        double eventsPerSecond() {
            return events / seconds;
        }
    }

    private ProjectorThroughput() {
    }

    static Result run(int jobs) throws Exception {
        KafkaBroker kafka = KafkaBroker.shared();
        Topics topics = RunTopics.create(KafkaBroker.shared(), "bench-proj-" + java.util.UUID.randomUUID().toString().substring(0, 8));
        long events;
        try (KafkaProducer<String, byte[]> producer = kafka.newProducer(Map.of(
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"))) {
            events = RealisticJobs.publish(producer, topics, "bench", jobs, 8);
        }
        long records = events + jobs;
        DataSource ds = FreshProjection.newDatabase(PostgresServer.shared(), "bench_projector");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        JobProjector projector = new JobProjector(topics, new Database(ds), new JobProjection(2000),
                new ProjectorMetrics(registry), kafka.bootstrapServers(), "bench-projector",
                "bench-projector");
        projector.start();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            long first = 0;
            while (true) {
                long done = committed(s);
                long now = System.nanoTime();
                if (done > 0 && first == 0) {
                    first = now;
                }
                if (done >= records) {
                    var batches = registry.timer("ist.projector.batch");
                    System.out.printf("projector: %d polls, %.0f records and %.1f ms each on average%n",
                            batches.count(), (double) records / Math.max(1, batches.count()),
                            batches.mean(java.util.concurrent.TimeUnit.MILLISECONDS));
                    // the first poll's own time is not seen (it committed before the first sample): rate over the rest
                    return new Result(jobs, events, records, (now - first) / 1e9);
                }
                if (!projector.isAlive() && projector.failure() != null) {
                    throw new IllegalStateException("the projector stopped", projector.failure());
                }
                Thread.sleep(20);
            }
        } finally {
            projector.close();
        }
    }

    private static long committed(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT coalesce(sum(next_offset), 0) FROM projector_offsets")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
