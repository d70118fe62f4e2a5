package dev.ist.worker.runtime.capacity;

import dev.ist.common.kafka.KafkaClientConfig;
import dev.ist.common.capacity.WorkerCapacity;
import dev.ist.common.codec.JsonCodec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Keeps this worker's {@link WorkerCapacity} on the compacted capacity topic: creates the topic (compacted) when it
 * is missing, publishes at start and every {@code interval} (so a reader that joins late, or a worker whose figures
 * change, is up to date; compaction keeps one record per worker), and writes a tombstone on {@link #close()} so the
 * worker disappears from the fleet view when it leaves. A publish failure is logged and retried at the next tick: the
 * advertisement is advisory and must never stop the worker's jobs.
 */
public final class CapacityAdvertiser implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CapacityAdvertiser.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    private final String topic;
    private final String workerId;
    private final Supplier<WorkerCapacity> capacity;
    private final KafkaProducer<String, byte[]> producer;
    private final ScheduledExecutorService timer;
    private boolean closed;

    /**
     * @param bootstrapServers Kafka brokers
     * @param topic            the capacity topic (created compacted when missing)
     * @param capacity         this worker's current figures, read at every refresh
     * @param interval         time between refreshes
     */
    /** On an unsecured broker (tests). */
    public CapacityAdvertiser(String bootstrapServers, String topic, Supplier<WorkerCapacity> capacity,
                              Duration interval) {
        this(KafkaClientConfig.plaintext(bootstrapServers), topic, capacity, interval);
    }

    public CapacityAdvertiser(KafkaClientConfig kafka, String topic, Supplier<WorkerCapacity> capacity,
                              Duration interval) {
        this.topic = topic;
        this.capacity = capacity;
        this.workerId = capacity.get().workerId();
        ensureCompactedTopic(kafka, topic);
        Map<String, Object> p = kafka.base();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "ist-capacity-" + workerId);
        // a send waits for metadata at most this long (default 60 s): with the broker gone, the leaving worker's
        // tombstone must not hold its shutdown past the stop grace
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) SEND_TIMEOUT.toMillis());
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ist-capacity-advertiser");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::publish, 0, Math.max(1, interval.toMillis()), TimeUnit.MILLISECONDS);
    }

    /** Publishes the current figures now (also called by the timer). */
    public void publish() {
        try {
            WorkerCapacity now = capacity.get();
            producer.send(new ProducerRecord<>(topic, workerId, JsonCodec.shared().encode(now)))
                    .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warn("capacity advertisement on {} failed (retried at the next refresh): {}", topic, e.toString());
        }
    }

    /** Stops refreshing and writes the tombstone that removes this worker from the capacity topic. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        timer.shutdownNow();
        try {
            timer.awaitTermination(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            producer.send(new ProducerRecord<>(topic, workerId, null)).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("capacity tombstone on {} failed: {}", topic, e.toString());
        } finally {
            producer.close(SEND_TIMEOUT);
        }
    }

    private static void ensureCompactedTopic(KafkaClientConfig kafka, String topic) {
        try (Admin admin = Admin.create(kafka.base())) {
            NewTopic compacted = new NewTopic(topic, java.util.Optional.empty(), java.util.Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            admin.createTopics(List.of(compacted)).all().get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                LOG.warn("could not create the capacity topic {}: {}", topic, e.getCause().toString());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException e) {
            LOG.warn("creating the capacity topic {} timed out", topic);
        }
    }

}
