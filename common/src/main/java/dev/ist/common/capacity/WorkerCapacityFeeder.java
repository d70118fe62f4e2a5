package dev.ist.common.capacity;

import dev.ist.common.codec.InvalidMessageException;
import dev.ist.common.codec.JsonCodec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Reads the compacted capacity topic from its beginning into a {@link WorkerCapacityTable}, assigning every partition
 * itself (no group, no offsets) like the job view's feeder. The workers create the topic; until one has, the feeder
 * waits for it (the table stays empty: "fleet unknown"). An undecodable record is logged and skipped. The gateway
 * reads it to quote and route jobs, a worker to know where to forward a job its own budget refuses.
 */
public final class WorkerCapacityFeeder implements Runnable, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WorkerCapacityFeeder.class.getName());

    private final WorkerCapacityTable table;
    private final String topic;
    private final KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running = true;
    private Thread thread;

    public WorkerCapacityFeeder(WorkerCapacityTable table, String topic, String bootstrapServers, String clientId) {
        this.table = table;
        this.topic = topic;
        // no group, no offsets: the whole compacted topic from its start, never created by reading it
        Map<String, Object> c = dev.ist.common.TopicReaderConfig.fromStart(bootstrapServers);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        this.consumer = new KafkaConsumer<>(c);
    }

    public synchronized void start() {
        thread = new Thread(this, "ist-capacity-feeder");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run() {
        try {
            List<TopicPartition> partitions = awaitTopic();
            if (partitions == null) {
                return;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    apply(r);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "the capacity feeder stopped reading {0}: {1}", topic, e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            table.apply(r.key(), null);
            return;
        }
        try {
            WorkerCapacity c = JsonCodec.shared().decode(r.value(), WorkerCapacity.class);
            if (c.workerId().equals(r.key())) {
                table.apply(r.key(), c);
            } else {
                LOG.log(System.Logger.Level.WARNING, "capacity record keyed {0} names worker {1}; skipped", r.key(), c.workerId());
            }
        } catch (InvalidMessageException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "undecodable capacity record at {0}-{1}@{2} skipped: {3}", r.topic(),
                    r.partition(), r.offset(), e.getMessage());
        }
    }

    /** The topic's partitions once a worker has created it; null when closed first. */
    private List<TopicPartition> awaitTopic() {
        while (running) {
            try {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
                if (infos != null && !infos.isEmpty()) {
                    return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                }
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                LOG.log(System.Logger.Level.DEBUG, "waiting for Kafka to describe {0}", topic);
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        Thread t = thread;
        if (t != null) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
