package dev.ist.gateway.support;

import dev.ist.common.capacity.WorkerCapacity;
import dev.ist.common.codec.JsonCodec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Worker capacity advertised on the real broker's capacity topic, as workers publish it (a {@link WorkerCapacity}
 * record keyed by worker id); {@link #close()} writes their tombstones and waits until the gateway has dropped them,
 * so the tests after it see an unknown fleet again.
 */
public final class FleetAdverts implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final List<String> advertised = new ArrayList<>();
    private final String key;

    /** @param key the API key whose dry runs check what the gateway sees */
    public FleetAdverts(String key) {
        this(key, Map.of());
    }

    /**
     * @param login the client settings (bootstrap servers included) to publish with, as a worker's user on a secured
     *              broker; empty: the testkit's own client
     */
    public FleetAdverts(String key, Map<String, String> login) {
        this.key = key;
        Map<String, Object> c = login.isEmpty() ? TestEnv.kafka().clientConfig() : new java.util.HashMap<>(login);
        c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(c);
    }

    /** One CPU worker of the default pool with this memory budget (and the throughput FleetAdmissionTest uses). */
    public FleetAdverts cpuWorker(String workerId, long memoryBudgetBytes) throws Exception {
        return cpuWorker(workerId, dev.ist.common.capacity.WorkerPool.DEFAULT, memoryBudgetBytes);
    }

    /** One CPU worker of {@code pool} with this memory budget. */
    public FleetAdverts cpuWorker(String workerId, String pool, long memoryBudgetBytes) throws Exception {
        WorkerCapacity c = new WorkerCapacity(WorkerCapacity.SCHEMA_VERSION, workerId, "cpu", memoryBudgetBytes,
                90_000, 0, Instant.now(), pool);
        producer.send(new ProducerRecord<>(TestEnv.workersTopic(), workerId, JsonCodec.shared().encode(c)))
                .get(10, TimeUnit.SECONDS);
        advertised.add(workerId);
        return this;
    }

    /** One advertisement as given (e.g. with a throughput per precision). */
    public FleetAdverts advertise(WorkerCapacity c) throws Exception {
        producer.send(new ProducerRecord<>(TestEnv.workersTopic(), c.workerId(), JsonCodec.shared().encode(c)))
                .get(10, TimeUnit.SECONDS);
        advertised.add(c.workerId());
        return this;
    }

    /** The worker leaves as a real one does: its tombstone on the capacity topic. */
    public FleetAdverts leave(String workerId) throws Exception {
        producer.send(new ProducerRecord<>(TestEnv.workersTopic(), workerId, null)).get(10, TimeUnit.SECONDS);
        advertised.remove(workerId);
        return this;
    }

    /** Polls a dry run until the gateway shows this many worker classes. */
    public void awaitClasses(int n) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int seen = -1;
        while (System.nanoTime() < end) {
            seen = Jobs.dryRun(key, "{\"size\":64}").then().statusCode(200).extract().path("workerClasses.size()");
            if (seen == n) {
                return;
            }
            Thread.sleep(200);
        }
        fail("the gateway shows " + seen + " worker classes, expected " + n);
    }

    @Override
    public void close() throws Exception {
        try {
            for (String id : advertised) {
                producer.send(new ProducerRecord<>(TestEnv.workersTopic(), id, null)).get(10, TimeUnit.SECONDS);
            }
        } finally {
            producer.close(Duration.ofSeconds(5));
        }
        awaitClasses(0);
    }
}
