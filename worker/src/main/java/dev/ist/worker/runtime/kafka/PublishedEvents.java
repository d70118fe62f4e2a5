package dev.ist.worker.runtime.kafka;

import dev.ist.common.codec.InvalidMessageException;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.JobEvent;
import dev.ist.common.kafka.KafkaClientConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Answers "is this terminal event already on the events topic?" before a redelivered job re-publishes its stored
 * terminal marker. The common redelivery of a finished job is a lost offset commit (the broker restarted right after
 * it acknowledged the event): re-publishing then would put a second copy of the event on the topic. The look-up reads
 * only the job's partition (the producer's key hash), from a minute before the event was made to the end the
 * partition had when asked, comparing keys before decoding anything; it gives up (answers "not found", so the event
 * is published again — consumers are idempotent on job id and sequence) past {@code maxRecords}.
 */
public final class PublishedEvents implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PublishedEvents.class);

    /** Records can carry a timestamp a little earlier than the event's own clock reading (another host's clock). */
    static final Duration CLOCK_MARGIN = Duration.ofMinutes(1);

    private final Consumer<String, byte[]> consumer;
    private final String topic;
    private final Duration timeout;
    private final int maxRecords;
    private final JsonCodec codec = JsonCodec.shared();

    public PublishedEvents(Consumer<String, byte[]> consumer, String topic, Duration timeout, int maxRecords) {
        this.consumer = consumer;
        this.topic = topic;
        this.timeout = timeout;
        this.maxRecords = maxRecords;
    }

    public static PublishedEvents create(KafkaClientConfig kafka, String clientId, String topic, Duration timeout,
                                         int maxRecords) {
        Map<String, Object> c = kafka.base();
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return new PublishedEvents(new KafkaConsumer<>(c), topic, timeout, maxRecords);
    }

    /**
     * Whether the topic holds an event of the same job with the same sequence number and type.
     *
     * @throws LookupException when the broker does not answer within the timeout (the caller reads the job again
     *                         later rather than risk a second copy)
     */
    public synchronized boolean contains(JobEvent event) throws LookupException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
            if (partitions == null || partitions.isEmpty()) {
                return false;
            }
            TopicPartition tp = new TopicPartition(topic, partitionOf(event.jobId(), partitions.size()));
            long from = event.at().minus(CLOCK_MARGIN).toEpochMilli();
            OffsetAndTimestamp start = consumer.offsetsForTimes(Map.of(tp, Math.max(0, from)), timeout).get(tp);
            if (start == null) {
                return false; // nothing on the partition since the event was made
            }
            long end = consumer.endOffsets(List.of(tp), timeout).get(tp);
            consumer.assign(List.of(tp));
            consumer.seek(tp, start.offset());
            int scanned = 0;
            while (consumer.position(tp, timeout) < end) {
                if (System.nanoTime() > deadline) {
                    throw new LookupException("events topic " + topic + " not read up to offset " + end + " within "
                            + timeout, null);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() >= end) {
                        break;
                    }
                    if (++scanned > maxRecords) {
                        LOG.warn("terminal event of job {} not found in the last {} records of {}; publishing it"
                                + " again", event.jobId(), maxRecords, tp);
                        return false;
                    }
                    if (event.jobId().equals(r.key()) && sameEvent(event, r.value())) {
                        return true;
                    }
                }
            }
            return false;
        } catch (KafkaException e) {
            throw new LookupException("could not read " + topic + ": " + e, e);
        } finally {
            consumer.unsubscribe();
        }
    }

    private boolean sameEvent(JobEvent wanted, byte[] value) {
        try {
            JobEvent e = codec.decodeEvent(value);
            return e.seq() == wanted.seq() && e.type() == wanted.type();
        } catch (InvalidMessageException e) {
            return false;
        }
    }

    /** The partition Kafka's default partitioner puts a record with this key on. */
    static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }

    /** The broker did not answer the look-up. */
    public static final class LookupException extends Exception {
        public LookupException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
