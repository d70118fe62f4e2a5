package dev.ist.worker.runtime.capacity;

import dev.ist.common.capacity.WorkerCapacity;
import dev.ist.common.codec.JsonCodec;
import dev.ist.testkit.KafkaBroker;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The advertiser on a real broker: a compacted topic, one keyed record per refresh, a tombstone when it closes. */
class CapacityAdvertiserTest {
    private final KafkaBroker broker = KafkaBroker.shared();

    @Test
    void advertisesOnACompactedTopicRefreshesAndLeavesATombstone() throws Exception {
        String topic = KafkaBroker.uniqueTopic("ist.workers");
        AtomicLong budget = new AtomicLong(8L << 30);
        List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = broker.newConsumer("capacity-reader-" + topic)) {
            try (CapacityAdvertiser advertiser = new CapacityAdvertiser(broker.bootstrapServers(), topic,
                    () -> new WorkerCapacity(WorkerCapacity.SCHEMA_VERSION, "worker-a", "cpu", budget.get(), 12345.0,
                            33_177_600L, Instant.now()), Duration.ofMillis(300))) {
                consumer.subscribe(List.of(topic));
                pollUntil(consumer, seen, 1);
                budget.set(4L << 30);
                advertiser.publish();
                pollUntil(consumer, seen, seen.size() + 1);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while ((seen.isEmpty() || seen.get(seen.size() - 1).value() != null) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
            }
            Config config = broker.admin().describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic)))
                    .all().get().values().iterator().next();
            assertEquals(TopicConfig.CLEANUP_POLICY_COMPACT, config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value());
        }
        WorkerCapacity first = JsonCodec.shared().decodeCapacity(seen.get(0).value());
        assertEquals("worker-a", seen.get(0).key());
        assertEquals("worker-a", first.workerId());
        assertEquals(8L << 30, first.memoryBudgetBytes());
        assertEquals(12345.0, first.pixelsPerSecond());
        assertTrue(seen.stream().filter(r -> r.value() != null)
                .anyMatch(r -> decode(r.value()).memoryBudgetBytes() == 4L << 30), "a refresh carries the new figures");
        ConsumerRecord<String, byte[]> last = seen.get(seen.size() - 1);
        assertEquals("worker-a", last.key());
        assertNull(last.value(), "the last record is the tombstone");
    }

    private static WorkerCapacity decode(byte[] value) {
        try {
            return JsonCodec.shared().decodeCapacity(value);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void pollUntil(KafkaConsumer<String, byte[]> consumer, List<ConsumerRecord<String, byte[]>> seen,
                                  int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (seen.size() < count && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
        }
        assertTrue(seen.size() >= count, "expected " + count + " records, got " + seen.size());
    }
}
