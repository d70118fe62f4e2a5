package dev.ist.worker.runtime.kafka;

import dev.ist.common.job.LaneSchedule;
import dev.ist.common.job.Priority;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LaneBufferTest {

    private final LaneBuffer buffer = new LaneBuffer(Map.of("hi", Priority.HIGH, "jobs", Priority.NORMAL,
            "lo", Priority.LOW), LaneSchedule.defaults());

    private static ConsumerRecord<String, byte[]> record(String topic, int partition, long offset, long timestamp) {
        return new ConsumerRecord<>(topic, partition, offset, timestamp, TimestampType.CREATE_TIME, 0, 0,
                topic + "-" + partition + "@" + offset, new byte[0], new RecordHeaders(), Optional.empty());
    }

    private List<String> drain() {
        List<String> keys = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r = buffer.take(); r != null; r = buffer.take()) {
            keys.add(r.key());
        }
        return keys;
    }

    @Test
    void theHighestLaneGoesFirstAndEachPartitionKeepsItsOrder() {
        buffer.add(record("lo", 0, 5, 1));
        buffer.add(record("jobs", 1, 7, 2));
        buffer.add(record("jobs", 1, 8, 3));
        buffer.add(record("hi", 2, 0, 4));
        assertEquals(Set.of(new TopicPartition("lo", 0), new TopicPartition("jobs", 1),
                new TopicPartition("hi", 2)), buffer.holding());
        assertEquals(List.of("hi-2@0", "jobs-1@7", "jobs-1@8", "lo-0@5"), drain());
        assertTrue(buffer.isEmpty());
        assertNull(buffer.take());
    }

    @Test
    void withinALaneTheEarliestSubmittedHeadGoesFirst() {
        buffer.add(record("jobs", 0, 3, 300));
        buffer.add(record("jobs", 1, 9, 100));
        buffer.add(record("jobs", 2, 1, 200));
        assertEquals(List.of("jobs-1@9", "jobs-2@1", "jobs-0@3"), drain());
    }

    @Test
    void aForgottenPartitionsRecordsAreDroppedNotStarted() {
        buffer.add(record("hi", 0, 1, 1));
        buffer.add(record("lo", 0, 1, 2));
        buffer.forget(List.of(new TopicPartition("hi", 0)));
        assertFalse(buffer.has(Priority.HIGH));
        assertEquals(1, buffer.size());
        assertEquals(List.of("lo-0@1"), drain());
    }

    @Test
    void aLowJobWaitingAmongBackloggedLanesIsTakenWithinTwelvePicks() {
        // HIGH and NORMAL refill after every pick (a busy fleet); the LOW record must still come out
        buffer.add(record("lo", 0, 0, 0));
        long offset = 0;
        buffer.add(record("hi", 0, offset, 1));
        buffer.add(record("jobs", 0, offset, 1));
        int picks = 0;
        while (true) {
            ConsumerRecord<String, byte[]> r = buffer.take();
            picks++;
            if (r.topic().equals("lo")) {
                break;
            }
            buffer.add(record(r.topic(), 0, ++offset, 10 + offset));
        }
        assertTrue(picks <= 12, "LOW came out after " + picks + " picks");
    }
}
