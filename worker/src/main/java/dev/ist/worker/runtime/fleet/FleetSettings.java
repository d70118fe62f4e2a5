package dev.ist.worker.runtime.fleet;

import dev.ist.common.IstConfig;

import java.time.Duration;
import java.util.Optional;

/**
 * The fleet-hardening settings, read from the same IST configuration as the worker (until they move into
 * {@code WorkerConfig}). Every limit has a safe default.
 *
 * @param maxJobAttempts       {@code ist.worker.max-job-attempts} (3): crashed attempts before FAILED CRASH_LOOP
 * @param groupInstanceId      {@code ist.worker.group-instance-id} (unset): Kafka static membership, for deployments
 *                             that give each worker a stable name (StatefulSet pod name); a restart within the
 *                             session timeout then moves no partition
 * @param metricsBindAddress   {@code ist.worker.metrics-bind-address} (127.0.0.1): where /metrics and /health listen;
 *                             containers set 0.0.0.0
 * @param memoryMargin         {@code ist.worker.memory-margin} (512 MiB): kept free below the memory limit
 * @param memoryLimitOverride  {@code ist.worker.memory-limit-bytes} (unset): the budget's ceiling when the cgroup
 *                             does not say (or to share a host)
 * @param jobObjectRetention   {@code ist.retention.job-objects} (7 days): a finished job's result, previews and
 *                             manifest expire after this; inputs no retained job references too
 * @param janitorInterval      {@code ist.retention.janitor-interval} (1 hour): how often the storage janitor sweeps
 */
public record FleetSettings(int maxJobAttempts, Optional<String> groupInstanceId, String metricsBindAddress,
                            long memoryMargin, Optional<Long> memoryLimitOverride, Duration jobObjectRetention,
                            Duration janitorInterval) {

    public FleetSettings {
        if (maxJobAttempts < 1) {
            throw new IllegalArgumentException("ist.worker.max-job-attempts must be >= 1");
        }
        if (memoryMargin < 0) {
            throw new IllegalArgumentException("ist.worker.memory-margin must be >= 0");
        }
        if (jobObjectRetention.isNegative() || jobObjectRetention.isZero()) {
            throw new IllegalArgumentException("ist.retention.job-objects must be positive");
        }
        if (janitorInterval.isNegative() || janitorInterval.isZero()) {
            throw new IllegalArgumentException("ist.retention.janitor-interval must be positive");
        }
        groupInstanceId = groupInstanceId.filter(s -> !s.isBlank());
    }

    public static FleetSettings from(IstConfig c) {
        return new FleetSettings(
                c.getInt("ist.worker.max-job-attempts", 3),
                c.get("ist.worker.group-instance-id"),
                c.get("ist.worker.metrics-bind-address", "127.0.0.1"),
                c.getLong("ist.worker.memory-margin", 512L << 20),
                c.get("ist.worker.memory-limit-bytes").map(Long::parseLong),
                c.getDuration("ist.retention.job-objects", Duration.ofDays(7)),
                c.getDuration("ist.retention.janitor-interval", Duration.ofHours(1)));
    }
}
