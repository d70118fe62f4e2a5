package dev.ist.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** How the gateway reaches Kafka ({@code ist.kafka.*}); each key is documented in application.properties. */
@ConfigMapping(prefix = "ist.kafka")
public interface KafkaSettings {

    @WithName("bootstrap-servers")
    @WithDefault("localhost:9092")
    String bootstrapServers();

    /** Create missing topics at start-up (off where an operator owns topic creation). */
    @WithName("create-topics")
    @WithDefault("true")
    boolean createTopics();

    @WithName("topic-partitions")
    @WithDefault("6")
    int topicPartitions();

    @WithName("replication-factor")
    @WithDefault("1")
    short replicationFactor();

    /**
     * A Kafka client properties file (security.protocol, sasl.*, ssl.*) for every Kafka client of the gateway; read
     * by {@link dev.ist.common.kafka.KafkaClientConfig}, declared here so the key is known.
     */
    @WithName("client-config")
    Optional<String> clientConfig();

    /** {@code ist.kafka.client.<property>}: single client settings over the file's (read by KafkaClientConfig). */
    @WithName("client")
    Map<String, String> client();

    /** Longest a submission waits for Kafka to acknowledge its messages before answering 503. */
    @WithName("send-timeout")
    @WithDefault("10s")
    Duration sendTimeout();
}
