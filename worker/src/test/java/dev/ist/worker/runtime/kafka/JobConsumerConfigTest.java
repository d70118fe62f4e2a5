package dev.ist.worker.runtime.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The jobs consumer's Kafka settings. */
class JobConsumerConfigTest {

    private static final JobConsumer.Settings SETTINGS = new JobConsumer.Settings("127.0.0.1:9092", "g", "c", "t",
            Duration.ofMillis(200), Duration.ofSeconds(45), Duration.ofMinutes(5), Duration.ofSeconds(20),
            Duration.ofSeconds(120));

    @Test
    void staticMembershipOnlyWhenAStableIdIsGiven() {
        assertFalse(JobConsumer.consumerConfig(SETTINGS).containsKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
        assertFalse(JobConsumer.consumerConfig(SETTINGS.withGroupInstanceId(" "))
                .containsKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
        Map<String, Object> c = JobConsumer.consumerConfig(SETTINGS.withGroupInstanceId("ist-worker-0"));
        assertEquals("ist-worker-0", c.get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
    }

    @Test
    void cooperativeStickyAssignmentAndOneRecordPerPoll() {
        Map<String, Object> c = JobConsumer.consumerConfig(SETTINGS);
        assertEquals(List.of(CooperativeStickyAssignor.class.getName()),
                c.get(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG));
        assertEquals(1, c.get(ConsumerConfig.MAX_POLL_RECORDS_CONFIG));
    }
}
