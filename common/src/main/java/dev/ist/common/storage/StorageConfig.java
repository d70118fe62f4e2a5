package dev.ist.common.storage;

import dev.ist.common.IstConfig;

import java.time.Duration;

/**
 * Where objects live. Keys: {@code ist.s3.endpoint}, {@code ist.s3.access-key}, {@code ist.s3.secret-key},
 * {@code ist.s3.bucket}, {@code ist.s3.region}, {@code ist.s3.create-bucket}, {@code ist.s3.retry.max-attempts},
 * {@code ist.s3.retry.initial-backoff}, {@code ist.s3.retry.max-backoff}, {@code ist.s3.timeout}.
 */
public record StorageConfig(
        String endpoint,
        String accessKey,
        String secretKey,
        String bucket,
        String region,
        boolean createBucket,
        RetryPolicy retry,
        Duration timeout) {

    public StorageConfig {
        if (endpoint == null || endpoint.isBlank()) {
            throw new IllegalArgumentException("ist.s3.endpoint is required");
        }
        if (accessKey == null || secretKey == null) {
            throw new IllegalArgumentException("ist.s3.access-key and ist.s3.secret-key are required");
        }
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("ist.s3.bucket is required");
        }
    }

    public static StorageConfig of(String endpoint, String accessKey, String secretKey, String bucket) {
        return new StorageConfig(endpoint, accessKey, secretKey, bucket, "us-east-1", true, RetryPolicy.defaults(),
                Duration.ofSeconds(30));
    }

    public StorageConfig withRetry(RetryPolicy policy) {
        return new StorageConfig(endpoint, accessKey, secretKey, bucket, region, createBucket, policy, timeout);
    }

    public StorageConfig withCredentials(String access, String secret) {
        return new StorageConfig(endpoint, access, secret, bucket, region, createBucket, retry, timeout);
    }

    public static StorageConfig from(IstConfig c) {
        RetryPolicy d = RetryPolicy.defaults();
        return new StorageConfig(
                c.get("ist.s3.endpoint", "http://127.0.0.1:9000"),
                c.get("ist.s3.access-key").orElse(null),
                c.get("ist.s3.secret-key").orElse(null),
                c.get("ist.s3.bucket", "ist"),
                c.get("ist.s3.region", "us-east-1"),
                c.getBoolean("ist.s3.create-bucket", true),
                new RetryPolicy(
                        c.getInt("ist.s3.retry.max-attempts", d.maxAttempts()),
                        c.getDuration("ist.s3.retry.initial-backoff", d.initialBackoff()),
                        c.getDuration("ist.s3.retry.max-backoff", d.maxBackoff())),
                c.getDuration("ist.s3.timeout", Duration.ofSeconds(30)));
    }

    /** Exponential backoff with full jitter between attempts of one storage call. */
    public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

        public RetryPolicy {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("ist.s3.retry.max-attempts must be >= 1");
            }
        }

        public static RetryPolicy defaults() {
            return new RetryPolicy(6, Duration.ofMillis(200), Duration.ofSeconds(5));
        }

        public static RetryPolicy none() {
            return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
        }

        /** Upper bound of the sleep before attempt {@code attempt + 1} (attempt counts from 1). */
        public Duration backoffCeiling(int attempt) {
            long base = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
            return Duration.ofMillis(Math.min(base, maxBackoff.toMillis()));
        }
    }
}
