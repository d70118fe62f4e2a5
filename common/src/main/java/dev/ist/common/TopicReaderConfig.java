package dev.ist.common;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.util.Map;

/**
 * The consumer settings every topic reader shares (the gateway's job view and webhook dispatcher, the capacity table
 * of gateways and workers): from the earliest record, offsets never auto-committed (a reader commits after its work,
 * or keeps no offsets at all), topics never created by reading them, raw bytes decoded by the shared codec.
 */
public final class TopicReaderConfig {

    private TopicReaderConfig() {
    }

    /** A mutable map, so a reader can add its own keys (group id, max poll records). */
    public static Map<String, Object> fromStart(String bootstrapServers) {
        return fromStart(dev.ist.common.kafka.KafkaClientConfig.plaintext(bootstrapServers));
    }

    /** The same on the cluster's connection settings (security included). */
    public static Map<String, Object> fromStart(dev.ist.common.kafka.KafkaClientConfig kafka) {
        Map<String, Object> c = kafka.base();
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return c;
    }
}
