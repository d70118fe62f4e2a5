package dev.ist.worker.runtime.kafka;

import dev.ist.common.kafka.KafkaClientConfig;
import dev.ist.common.codec.InvalidMessageException;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.DeadLetter;
import dev.ist.common.storage.ImageStore;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The operator's view of the dead-letter topic: read every letter, and re-drive one onto the jobs topic. A letter
 * holds only an excerpt of its record, so a replay re-reads the ORIGINAL record from the source topic at the
 * letter's partition and offset — possible only while that topic still retains it — checks it against the letter's
 * SHA-256 and produces it again, byte for byte, with the same key. No consumer group: reading here commits nothing.
 */
public final class DeadLetterQueue implements AutoCloseable {

    /** One record of the DLQ topic: a letter, or why it could not be read. */
    public record Entry(int dlqPartition, long dlqOffset, DeadLetter letter, String unreadable) {
        public String id() {
            return letter == null ? "dlq:" + dlqPartition + ":" + dlqOffset : letter.sourceId();
        }
    }

    /** What a replay did. */
    public record Replayed(DeadLetter letter, int partition, long offset) {
    }

    /** The original record is gone (retention) or does not match the letter. */
    public static final class NotReplayableException extends Exception {
        public NotReplayableException(String message) {
            super(message);
        }
    }

    private final KafkaConsumer<byte[], byte[]> reader;
    private final KafkaProducer<byte[], byte[]> producer;
    private final String dlqTopic;
    private final Duration timeout;
    private final JsonCodec codec = JsonCodec.shared();

    /** On an unsecured broker (tests). */
    public DeadLetterQueue(String bootstrapServers, String dlqTopic, Duration timeout) {
        this(KafkaClientConfig.plaintext(bootstrapServers), dlqTopic, timeout);
    }

    public DeadLetterQueue(KafkaClientConfig kafka, String dlqTopic, Duration timeout) {
        Map<String, Object> c = kafka.base();
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "ist-dlq-cli");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 << 20);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.reader = new KafkaConsumer<>(c);
        Map<String, Object> p = kafka.base();
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "ist-dlq-cli");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // the original may be as large as the jobs topic accepts
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 64 << 20);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.toMillis());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(p);
        this.dlqTopic = dlqTopic;
        this.timeout = timeout;
    }

    /** Every letter now on the DLQ topic, oldest first per partition. */
    public List<Entry> list() {
        List<TopicPartition> partitions = partitionsOf(dlqTopic);
        List<Entry> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(partitions)) {
            try {
                out.add(new Entry(r.partition(), r.offset(), codec.decodeDeadLetter(r.value()), null));
            } catch (InvalidMessageException | RuntimeException e) {
                out.add(new Entry(r.partition(), r.offset(), null, e.getMessage()));
            }
        }
        return out;
    }

    /** The letters {@code id} names: {@code partition:offset} of the source record, or a job id. */
    public static List<DeadLetter> select(List<Entry> entries, String id) {
        return entries.stream().map(Entry::letter).filter(l -> l != null
                && (id.equals(l.sourceId()) || id.equals(l.jobId()))).toList();
    }

    /** Re-reads the letter's original record and produces it onto {@code jobsTopic}. */
    public Replayed replay(DeadLetter letter, String jobsTopic) throws NotReplayableException {
        TopicPartition source = new TopicPartition(letter.sourceTopic(), letter.partition());
        ConsumerRecord<byte[], byte[]> original = readOne(source, letter.offset()).orElseThrow(() ->
                new NotReplayableException(letter.sourceId() + ": the original record is no longer on "
                        + letter.sourceTopic() + " (its retention removed it); only the "
                        + (letter.truncated() ? "4 KiB excerpt" : "payload") + " in the dead letter remains"));
        byte[] value = original.value();
        if (letter.payloadSha256() != null && (value == null || !letter.payloadSha256().equals(ImageStore.sha256Hex(value)))) {
            throw new NotReplayableException(letter.sourceId() + ": the record at that offset does not match the"
                    + " letter's SHA-256 (was the topic recreated?)");
        }
        try {
            RecordMetadata m = producer.send(new ProducerRecord<>(jobsTopic, null, original.key(), value))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Replayed(letter, m.partition(), m.offset());
        } catch (Exception e) {
            throw new NotReplayableException(letter.sourceId() + ": could not produce onto " + jobsTopic + ": " + e);
        }
    }

    private List<TopicPartition> partitionsOf(String topic) {
        List<PartitionInfo> infos = reader.partitionsFor(topic, timeout);
        return infos == null ? List.of() : infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(List<TopicPartition> partitions) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        if (partitions.isEmpty()) {
            return out;
        }
        reader.assign(partitions);
        reader.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = reader.endOffsets(partitions, timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (partitions.stream().anyMatch(tp -> reader.position(tp, timeout) < end.get(tp))
                && System.nanoTime() < deadline) {
            reader.poll(Duration.ofMillis(200)).forEach(out::add);
        }
        return out;
    }

    private Optional<ConsumerRecord<byte[], byte[]>> readOne(TopicPartition tp, long offset) {
        reader.assign(List.of(tp));
        long first = reader.beginningOffsets(List.of(tp), timeout).get(tp);
        long end = reader.endOffsets(List.of(tp), timeout).get(tp);
        if (offset < first || offset >= end) {
            return Optional.empty();
        }
        reader.seek(tp, offset);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(200))) {
                if (r.offset() == offset) {
                    return Optional.of(r);
                }
                if (r.offset() > offset) {
                    return Optional.empty(); // compacted away
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        reader.close(Duration.ofSeconds(2));
        producer.close(Duration.ofSeconds(2));
    }
}
