package dev.ist.worker.runtime.kafka;

import dev.ist.testkit.KafkaBroker;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which group protocol moves fewer running jobs when a worker joins? Three members share 12 partitions, each "runs a
 * job" on one partition it owns (the one a worker would have paused mid-job); a fourth joins; we count how many of
 * those three running-job partitions (each picked at random among the member's own) were revoked, and how many partitions were revoked in all. Classic protocol with
 * {@code CooperativeStickyAssignor} versus the KIP-848 consumer protocol ({@code group.protocol=consumer}, the
 * broker's uniform assignor). A bench, not a test: {@code java ... RebalanceMovesBench [trials]} prints the figures.
 */
public final class RebalanceMovesBench {

    private static final int PARTITIONS = 12;
    private static final java.util.Random RANDOM = new java.util.Random(42);

    public static void main(String[] args) throws Exception {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        KafkaBroker broker = KafkaBroker.shared();
        for (String protocol : List.of("classic", "consumer")) {
            int runningMoved = 0;
            int revokedTotal = 0;
            for (int t = 0; t < trials; t++) {
                int[] r = trial(broker, protocol);
                runningMoved += r[0];
                revokedTotal += r[1];
            }
            System.out.printf("protocol=%-8s trials=%d running-job partitions revoked per join: %.2f of 3;"
                    + " partitions revoked per join: %.2f of %d%n", protocol, trials, runningMoved / (double) trials,
                    revokedTotal / (double) trials, PARTITIONS);
        }
        System.exit(0);
    }

    private static final class Member implements Runnable {
        final KafkaConsumer<String, byte[]> consumer;
        final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();
        final List<TopicPartition> revoked = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile TopicPartition runningJob;
        volatile boolean stop;

        Member(KafkaConsumer<String, byte[]> consumer) {
            this.consumer = consumer;
        }

        @Override
        public void run() {
            while (!stop) {
                consumer.poll(Duration.ofMillis(100));
            }
            consumer.close(Duration.ofSeconds(2));
        }

        ConsumerRebalanceListener listener() {
            return new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    revoked.addAll(partitions);
                    owned.removeAll(partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    owned.addAll(partitions);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    revoked.addAll(partitions);
                    owned.removeAll(partitions);
                }
            };
        }
    }

    private static int[] trial(KafkaBroker broker, String protocol) throws Exception {
        String topic = KafkaBroker.uniqueTopic("moves");
        broker.createTopic(topic, PARTITIONS);
        String group = "moves-" + topic;
        List<Member> members = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Map<String, Object> c = new HashMap<>();
            c.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
            if (protocol.equals("classic")) {
                c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
                c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000);
                c.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500);
            }
            Member m = new Member(broker.newConsumer(group, c));
            m.consumer.subscribe(List.of(topic), m.listener());
            members.add(m);
            if (i < 3) {
                Thread th = new Thread(m);
                th.start();
                threads.add(th);
            }
        }
        awaitOwnedTotal(members.subList(0, 3), PARTITIONS);
        for (Member m : members.subList(0, 3)) {
            // the job runs on any one of its partitions (whichever record came first)
            List<TopicPartition> mine = new ArrayList<>(m.owned);
            m.runningJob = mine.get(RANDOM.nextInt(mine.size()));
            m.revoked.clear();
        }
        Thread joiner = new Thread(members.get(3));
        joiner.start();
        threads.add(joiner);
        awaitOwnedTotal(members, PARTITIONS);
        while (members.get(3).owned.size() < 2) {
            Thread.sleep(50);
        }
        Thread.sleep(1500); // let a second cooperative round settle
        int runningMoved = 0;
        int revoked = 0;
        for (Member m : members.subList(0, 3)) {
            if (m.revoked.contains(m.runningJob)) {
                runningMoved++;
            }
            revoked += m.revoked.size();
        }
        for (Member m : members) {
            m.stop = true;
        }
        for (Thread th : threads) {
            th.join(10_000);
        }
        return new int[]{runningMoved, revoked};
    }

    private static void awaitOwnedTotal(List<Member> members, int total) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (members.stream().mapToInt(m -> m.owned.size()).sum() != total
                || members.stream().anyMatch(m -> m.owned.isEmpty())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("group did not settle");
            }
            Thread.sleep(50);
        }
    }
}
