package dev.ist.worker.runtime;

import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test-only assignor for the classic group protocol that makes a real broker's rebalance predictable: every
 * partition belongs to the consumer created last (in this JVM), so starting a second worker moves all partitions of
 * the first one to it. It follows the cooperative protocol like the worker's own cooperative-sticky assignor: a
 * partition still owned by another member is only taken away in the first rebalance and handed over in the next one,
 * after its old owner has revoked it.
 */
public final class LastJoinerTakesAllAssignor implements ConsumerPartitionAssignor {

    private static final AtomicLong CREATED = new AtomicLong();

    /** Order of creation of this consumer's assignor: the highest one wins everything. */
    private final long rank = CREATED.incrementAndGet();

    @Override
    public String name() {
        return "ist-test-last-joiner-takes-all";
    }

    @Override
    public List<RebalanceProtocol> supportedProtocols() {
        return List.of(RebalanceProtocol.COOPERATIVE);
    }

    @Override
    public ByteBuffer subscriptionUserData(Set<String> topics) {
        return ByteBuffer.allocate(Long.BYTES).putLong(0, rank);
    }

    @Override
    public GroupAssignment assign(Cluster metadata, GroupSubscription groupSubscription) {
        Map<String, Subscription> members = groupSubscription.groupSubscription();
        String winner = members.entrySet().stream()
                .max(Comparator.<Map.Entry<String, Subscription>>comparingLong(e -> rank(e.getValue()))
                        .thenComparing(Map.Entry::getKey))
                .orElseThrow().getKey();
        Set<String> topics = new TreeSet<>();
        Set<TopicPartition> ownedByOthers = new HashSet<>();
        members.forEach((member, subscription) -> {
            topics.addAll(subscription.topics());
            if (!member.equals(winner)) {
                ownedByOthers.addAll(subscription.ownedPartitions());
            }
        });
        List<TopicPartition> toWinner = new ArrayList<>();
        for (String topic : topics) {
            for (PartitionInfo p : metadata.partitionsForTopic(topic)) {
                TopicPartition tp = new TopicPartition(topic, p.partition());
                // cooperative rule: not in the same generation as its old owner gives it up
                if (!ownedByOthers.contains(tp)) {
                    toWinner.add(tp);
                }
            }
        }
        Map<String, Assignment> assignments = new HashMap<>();
        members.keySet().forEach(m -> assignments.put(m, new Assignment(m.equals(winner) ? toWinner : List.of())));
        return new GroupAssignment(assignments);
    }

    private static long rank(Subscription subscription) {
        ByteBuffer data = subscription.userData();
        return data == null || data.remaining() < Long.BYTES ? -1 : data.getLong(data.position());
    }
}
