package dev.ist.common.capacity;

import dev.ist.common.codec.InvalidMessageException;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.kafka.KafkaClientConfig;
import dev.ist.common.kafka.TopicFollower;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Duration;
import java.util.Map;

/**
 * Reads the compacted capacity topic from its beginning into a {@link WorkerCapacityTable} (a {@link TopicFollower}:
 * no group, no offsets). The workers create the topic; until one has, the feeder waits for it (the table stays empty:
 * "fleet unknown"). An undecodable record is logged and skipped. The gateway reads it to quote and route jobs, a
 * worker to know where to forward a job its own budget refuses.
 */
public final class WorkerCapacityFeeder implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WorkerCapacityFeeder.class.getName());

    private final WorkerCapacityTable table;
    private final TopicFollower follower;

    public WorkerCapacityFeeder(WorkerCapacityTable table, String topic, String bootstrapServers, String clientId) {
        this(table, topic, KafkaClientConfig.plaintext(bootstrapServers), clientId);
    }

    public WorkerCapacityFeeder(WorkerCapacityTable table, String topic, KafkaClientConfig kafka, String clientId) {
        this.table = table;
        // no group, no offsets: the whole compacted topic from its start, never created by reading it
        Map<String, Object> c = dev.ist.common.TopicReaderConfig.fromStart(kafka);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        this.follower = new TopicFollower(c, topic, new TopicFollower.FromBeginning(), this::apply,
                "ist-capacity-feeder", Duration.ofMillis(500));
    }

    public void start() {
        follower.start();
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
                LOG.log(System.Logger.Level.WARNING, "capacity record keyed {0} names worker {1}; skipped", r.key(),
                        c.workerId());
            }
        } catch (InvalidMessageException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "undecodable capacity record at {0}-{1}@{2} skipped: {3}", r.topic(),
                    r.partition(), r.offset(), e.getMessage());
        }
    }

    @Override
    public void close() {
        follower.close();
    }
}
