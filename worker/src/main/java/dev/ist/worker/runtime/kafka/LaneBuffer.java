package dev.ist.worker.runtime.kafka;

import dev.ist.common.job.LaneSchedule;
import dev.ist.common.job.Priority;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The job records a worker has fetched but not started, and which one it starts next.
 *
 * <p>Records wait here per partition, in offset order; the consumer keeps a partition paused while it holds one of
 * its records, so a partition contributes (in practice) just its head and nothing fetched is lost or reordered: a
 * partition's records start in offset order, and its offset is committed only after the job that was started from
 * it ends (a record waiting here is never committed). The next job comes from the lane that {@link LaneSchedule}
 * picks among the lanes with a record waiting; within a lane, from the partition whose head was submitted first.
 * Forgetting a partition (revoked, lost, or sought back) drops what it held: the broker redelivers it from the
 * committed offset.
 *
 * <p>Touched only by the polling thread (the rebalance callbacks run on it too).
 */
final class LaneBuffer {

    private final Map<String, Priority> laneOfTopic;
    private final LaneSchedule schedule;
    private final Map<TopicPartition, ArrayDeque<ConsumerRecord<String, byte[]>>> waiting = new HashMap<>();

    /** {@code laneOfTopic}: the lane of each subscribed jobs topic (an unknown topic counts as NORMAL). */
    LaneBuffer(Map<String, Priority> laneOfTopic, LaneSchedule schedule) {
        this.laneOfTopic = Map.copyOf(laneOfTopic);
        this.schedule = schedule;
    }

    void add(ConsumerRecord<String, byte[]> record) {
        waiting.computeIfAbsent(new TopicPartition(record.topic(), record.partition()), tp -> new ArrayDeque<>())
                .addLast(record);
    }

    boolean isEmpty() {
        return waiting.isEmpty();
    }

    int size() {
        int n = 0;
        for (ArrayDeque<ConsumerRecord<String, byte[]>> q : waiting.values()) {
            n += q.size();
        }
        return n;
    }

    /** Partitions holding a waiting record: they stay paused until it has been started. */
    Set<TopicPartition> holding() {
        return new HashSet<>(waiting.keySet());
    }

    /** Whether a record of {@code lane} is waiting. */
    boolean has(Priority lane) {
        for (TopicPartition tp : waiting.keySet()) {
            if (lane(tp) == lane) {
                return true;
            }
        }
        return false;
    }

    /** The record to start next, removed from the buffer; null when nothing waits. */
    ConsumerRecord<String, byte[]> take() {
        Set<Priority> lanes = EnumSet.noneOf(Priority.class);
        for (TopicPartition tp : waiting.keySet()) {
            lanes.add(lane(tp));
        }
        Priority lane = schedule.next(lanes);
        if (lane == null) {
            return null;
        }
        TopicPartition best = null;
        long bestTime = Long.MAX_VALUE;
        for (Map.Entry<TopicPartition, ArrayDeque<ConsumerRecord<String, byte[]>>> e : waiting.entrySet()) {
            long t = e.getValue().peekFirst().timestamp();
            if (lane(e.getKey()) == lane && (best == null || t < bestTime)) {
                best = e.getKey();
                bestTime = t;
            }
        }
        ArrayDeque<ConsumerRecord<String, byte[]>> q = waiting.get(best);
        ConsumerRecord<String, byte[]> record = q.removeFirst();
        if (q.isEmpty()) {
            waiting.remove(best);
        }
        return record;
    }

    /** Drops what {@code partitions} held (no longer ours, or about to be read again from an earlier offset). */
    void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            waiting.remove(tp);
        }
    }

    private Priority lane(TopicPartition tp) {
        return laneOfTopic.getOrDefault(tp.topic(), Priority.NORMAL);
    }
}
