package dev.ist.gateway.webhooks;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Webhook delivery ({@code ist.gateway.webhooks.*}); each key is documented in application.properties. */
@ConfigMapping(prefix = "ist.gateway.webhooks")
public interface WebhookSettings {

    /** Signing secrets, {@code whsec_<base64>}; every delivery carries one signature per secret (rotation). */
    Optional<List<String>> secrets();

    /** Deliver to loopback, private, link-local addresses (local setups and tests only). */
    @WithName("allow-private")
    @WithDefault("false")
    boolean allowPrivate();

    /** Accept plain http:// webhook URLs. */
    @WithName("allow-http")
    @WithDefault("false")
    boolean allowHttp();

    /** How long a delivery is retried after its first attempt before it is given up. */
    @WithName("retry-for")
    @WithDefault("24h")
    Duration retryFor();

    /** Delay before the first retry; doubled per attempt, with jitter, up to max-backoff. */
    @WithName("initial-backoff")
    @WithDefault("5s")
    Duration initialBackoff();

    @WithName("max-backoff")
    @WithDefault("1h")
    Duration maxBackoff();

    /** Connect and response timeout of one attempt. */
    @WithDefault("10s")
    Duration timeout();

    /** At most one progress delivery per job in this interval (measured between the events' own times). */
    @WithName("progress-interval")
    @WithDefault("500ms")
    Duration progressInterval();

    /** How often each gateway looks in storage for pending deliveries of the partitions it owns. */
    @WithDefault("30s")
    Duration rescan();

    /** The consumer group of the dispatchers on the events topic: one delivery series per event across replicas. */
    @WithName("consumer-group")
    @WithDefault("ist-gateway-webhooks")
    String consumerGroup();
}
