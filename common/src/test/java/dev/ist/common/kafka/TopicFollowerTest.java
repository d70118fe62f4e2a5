package dev.ist.common.kafka;

import dev.ist.common.TopicReaderConfig;
import dev.ist.testkit.KafkaBroker;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** On a real broker: the replay-then-follow reader behind the control listener and the capacity table. */
class TopicFollowerTest {

    private final KafkaBroker broker = KafkaBroker.shared();
    private final List<String> seen = new CopyOnWriteArrayList<>();

    private TopicFollower follower(String topic, TopicFollower.Start start, TopicFollower.RecordSink sink) {
        return new TopicFollower(TopicReaderConfig.fromStart(broker.bootstrapServers()), topic, start, sink,
                "test-follower", Duration.ofMillis(200));
    }

    private void send(KafkaProducer<String, byte[]> p, String topic, int partition, Long timestamp, String value)
            throws Exception {
        p.send(new ProducerRecord<>(topic, partition, timestamp, "k", value.getBytes(StandardCharsets.UTF_8)))
                .get(30, TimeUnit.SECONDS);
    }

    private static String text(org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]> r) {
        return new String(r.value(), StandardCharsets.UTF_8);
    }

    @Test
    void readsTheHistoryOfEveryPartitionSaysSoThenFollowsNewRecords() throws Exception {
        String topic = KafkaBroker.uniqueTopic("follow");
        broker.createTopic(topic, 3);
        try (KafkaProducer<String, byte[]> p = broker.newProducer()) {
            for (int i = 0; i < 6; i++) {
                send(p, topic, i % 3, null, "old-" + i);
            }
            try (TopicFollower f = follower(topic, new TopicFollower.FromBeginning(), r -> seen.add(text(r))).start()) {
                f.initialCatchUp().get(30, TimeUnit.SECONDS);
                assertEquals(6, seen.size(), "the whole history is read before catch-up completes: " + seen);
                send(p, topic, 1, null, "new");
                assertTrue(f.awaitCaughtUp(Duration.ofSeconds(30)));
                assertTrue(seen.contains("new"), "a record on the topic before the sync is read by then: " + seen);
                assertTrue(f.isHealthy(Duration.ofSeconds(30)));
            }
        }
    }

    @Test
    void sinceStartsThatFarBackAndSkipsOlderRecords() throws Exception {
        String topic = KafkaBroker.uniqueTopic("since");
        broker.createTopic(topic, 2);
        long now = System.currentTimeMillis();
        try (KafkaProducer<String, byte[]> p = broker.newProducer()) {
            send(p, topic, 0, now - Duration.ofHours(2).toMillis(), "two-hours-ago");
            send(p, topic, 0, now - Duration.ofMinutes(5).toMillis(), "five-minutes-ago");
            send(p, topic, 1, now - Duration.ofHours(3).toMillis(), "three-hours-ago");
            try (TopicFollower f = follower(topic, new TopicFollower.Since(Duration.ofHours(1), Clock.systemUTC()),
                    r -> seen.add(text(r))).start()) {
                f.initialCatchUp().get(30, TimeUnit.SECONDS);
                send(p, topic, 1, null, "now");
                assertTrue(f.awaitCaughtUp(Duration.ofSeconds(30)));
            }
        }
        // partitions are read side by side: only the set is defined
        assertEquals(java.util.Set.of("five-minutes-ago", "now"), java.util.Set.copyOf(seen), "seen: " + seen);
        assertEquals(2, seen.size(), "each once: " + seen);
    }

    @Test
    void waitsForATopicThatDoesNotExistYet() throws Exception {
        String topic = KafkaBroker.uniqueTopic("later");
        try (TopicFollower f = follower(topic, new TopicFollower.FromBeginning(), r -> seen.add(text(r))).start()) {
            Thread.sleep(1500); // the follower is polling for the topic's metadata meanwhile
            assertFalse(f.initialCatchUp().isDone());
            broker.createTopic(topic, 1);
            try (KafkaProducer<String, byte[]> p = broker.newProducer()) {
                send(p, topic, 0, null, "first");
            }
            f.initialCatchUp().get(30, TimeUnit.SECONDS);
            assertTrue(f.awaitCaughtUp(Duration.ofSeconds(30)));
        }
        assertEquals(List.of("first"), seen);
    }

    @Test
    void aSinkThatThrowsLosesOnlyThatRecord() throws Exception {
        String topic = KafkaBroker.uniqueTopic("poison");
        broker.createTopic(topic, 1);
        try (KafkaProducer<String, byte[]> p = broker.newProducer()) {
            send(p, topic, 0, null, "a");
            send(p, topic, 0, null, "boom");
            send(p, topic, 0, null, "c");
            try (TopicFollower f = follower(topic, new TopicFollower.FromBeginning(), r -> {
                if (text(r).equals("boom")) {
                    throw new IllegalStateException("a sink bug");
                }
                seen.add(text(r));
            }).start()) {
                f.initialCatchUp().get(30, TimeUnit.SECONDS);
                assertTrue(f.isRunning());
            }
        }
        assertEquals(List.of("a", "c"), seen);
    }

    @Test
    void closingAFollowerThatNeverStartedReleasesItsConsumer() {
        TopicFollower f = follower(KafkaBroker.uniqueTopic("unused"), new TopicFollower.FromBeginning(), r -> { });
        f.close();
        assertFalse(f.isRunning());
        assertFalse(f.awaitCaughtUp(Duration.ofSeconds(1)));
    }
}
