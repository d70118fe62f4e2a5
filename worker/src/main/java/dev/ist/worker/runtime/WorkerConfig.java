package dev.ist.worker.runtime;

import dev.ist.common.kafka.KafkaClientConfig;
import dev.ist.common.IstConfig;
import dev.ist.common.Topics;
import dev.ist.common.job.JobLimits;
import dev.ist.common.job.OptionDefaults;
import dev.ist.common.job.Precision;
import dev.ist.common.storage.StorageConfig;
import dev.ist.worker.engine.EngineSettings;
import dev.ist.worker.runtime.capacity.MachineMemory;
import dev.ist.common.capacity.JobForwards;
import dev.ist.common.capacity.WorkerCapacity;
import dev.ist.common.capacity.WorkerPool;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * Everything a worker process is configured with. Every key is read by {@link #from(IstConfig)} as a system property
 * ({@code -Dist.worker.device=cpu}) or environment variable ({@code IST_WORKER_DEVICE=cpu}); the full table with
 * defaults is in {@code worker/README-config.md}.
 *
 * <table>
 * <caption>Worker keys (storage {@code ist.s3.*} and limits {@code ist.limits.*} are documented with
 * {@link StorageConfig} and {@link JobLimits})</caption>
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>ist.kafka.bootstrap-servers</td><td>127.0.0.1:9092</td><td>Kafka brokers</td></tr>
 * <tr><td>ist.kafka.client-config</td><td>(none)</td><td>a Kafka client properties file (security.protocol, sasl.*,
 * ssl.*) for every Kafka client of the worker; {@code ist.kafka.client.<property>} keys override it
 * ({@link KafkaClientConfig})</td></tr>
 * <tr><td>ist.topics.jobs / events / dlq / control</td><td>ist.jobs / ist.events / ist.jobs.dlq / ist.control</td><td>topic names</td></tr>
 * <tr><td>ist.worker.pool</td><td>default</td><td>the worker pool ({@link WorkerPool}: lower-case letters, digits, '-',
 * up to 32): the worker takes only its pool's jobs topics ({@code <jobs>.pool.<pool>} and its lanes; the default pool's
 * are the jobs topics themselves) and advertises the pool with its capacity</td></tr>
 * <tr><td>ist.kafka.create-topics</td><td>true</td><td>a worker of a pool other than the default one creates its
 * pool's missing lane topics at start (false where kafka-init or Strimzi owns the topics)</td></tr>
 * <tr><td>ist.worker.group-id</td><td>ist-workers (pool p: ist-workers-p)</td><td>consumer group shared by the workers of a pool</td></tr>
 * <tr><td>ist.worker.id</td><td>hostname-pid</td><td>name in events, manifests and metrics</td></tr>
 * <tr><td>ist.worker.weights</td><td>(none)</td><td>VGG19 weights file (.pth / .safetensors)</td></tr>
 * <tr><td>ist.worker.random-weights</td><td>(none)</td><td>seed of a random network; only when asked for by name</td></tr>
 * <tr><td>ist.worker.device</td><td>auto</td><td>auto, cpu, gpu, gpu:N</td></tr>
 * <tr><td>ist.worker.precision</td><td>AUTO</td><td>FP32, BF16 or AUTO: the network's arithmetic for jobs that name
 * none</td></tr>
 * <tr><td>ist.engine.threads</td><td>0</td><td>intra-op threads of the engine (0 = engine default); the older
 * {@code ist.worker.threads} is read when it is not set (deprecated alias)</td></tr>
 * <tr><td>ist.engine.max-output-pixels</td><td>33177600 (7680x4320)</td><td>outputs above this are refused</td></tr>
 * <tr><td>ist.worker.metrics-port</td><td>9400</td><td>port of /metrics, /health/live, /health/ready (0 = any)</td></tr>
 * <tr><td>ist.worker.checkpoint-every</td><td>50</td><td>iterations between checkpoints (0 = only on stop)</td></tr>
 * <tr><td>ist.worker.progress-every-iterations</td><td>1</td><td>at most one PROGRESS event per this many iterations</td></tr>
 * <tr><td>ist.worker.progress-min-interval</td><td>500ms</td><td>and no more often than this</td></tr>
 * <tr><td>ist.worker.preview-every</td><td>25</td><td>iterations between preview JPEGs (0 = none)</td></tr>
 * <tr><td>ist.worker.preview-size</td><td>256</td><td>long side of a preview in pixels</td></tr>
 * <tr><td>ist.worker.shutdown-grace</td><td>30s</td><td>SIGTERM: time to stop, checkpoint and leave the group</td></tr>
 * <tr><td>ist.worker.revoke-grace</td><td>10s</td><td>how long a revocation waits for the running job to checkpoint</td></tr>
 * <tr><td>ist.worker.session-timeout</td><td>45s</td><td>Kafka session timeout (how fast a dead worker's jobs move)</td></tr>
 * <tr><td>ist.worker.max-poll-interval</td><td>5m</td><td>Kafka max.poll.interval.ms (the worker keeps polling while a job runs)</td></tr>
 * <tr><td>ist.worker.poll-timeout</td><td>200ms</td><td>one poll of the jobs consumer</td></tr>
 * <tr><td>ist.worker.publish-timeout</td><td>30s</td><td>wait for an acknowledged terminal event / dead letter</td></tr>
 * <tr><td>ist.worker.style-cache-entries</td><td>64</td><td>style-target cache entries</td></tr>
 * <tr><td>ist.worker.style-cache-max-bytes</td><td>268435456</td><td>style-target cache size bound</td></tr>
 * <tr><td>ist.worker.cancel-memory</td><td>6h</td><td>how long a cancelled job id is remembered (and how much control history is read at start)</td></tr>
 * <tr><td>ist.worker.cancel-memory-entries</td><td>100000</td><td>bound on remembered cancelled job ids</td></tr>
 * <tr><td>ist.worker.control-sync-timeout</td><td>2s</td><td>before starting a job, wait this long at most for the control topic to be read up to its end</td></tr>
 * <tr><td>ist.worker.job-retry.max-attempts</td><td>3</td><td>attempts of a job phase after transient storage failures</td></tr>
 * <tr><td>ist.worker.job-retry.backoff</td><td>2s</td><td>first wait between those attempts (doubles)</td></tr>
 * <tr><td>ist.worker.model-cache-entries</td><td>4</td><td>FAST jobs: loaded networks kept (least recently used closed first)</td></tr>
 * <tr><td>ist.worker.max-model-bytes</td><td>268435456</td><td>FAST jobs: largest ONNX file loaded</td></tr>
 * <tr><td>ist.worker.max-job-attempts</td><td>3</td><td>attempts that killed their worker before FAILED CRASH_LOOP</td></tr>
 * <tr><td>ist.worker.group-instance-id</td><td>(unset)</td><td>Kafka static membership, only with a stable name</td></tr>
 * <tr><td>ist.worker.metrics-bind-address</td><td>127.0.0.1</td><td>where the management port listens</td></tr>
 * <tr><td>ist.worker.memory-margin</td><td>536870912</td><td>bytes kept free below the memory limit by the preflight</td></tr>
 * <tr><td>ist.worker.memory-limit-bytes</td><td>(unset)</td><td>ceiling of the memory budget besides the cgroup</td></tr>
 * <tr><td>ist.retention.job-objects</td><td>7d</td><td>a finished job's data expires this long after its end</td></tr>
 * <tr><td>ist.retention.janitor-interval</td><td>1h</td><td>how often the storage janitor sweeps</td></tr>
 * <tr><td>ist.worker.memory-budget</td><td>min(cgroup limit, ist.worker.memory-limit-bytes, physical memory) less ist.worker.memory-margin</td><td>memory a transfer may
 * use (e.g. 8g): larger levels are tiled and their L-BFGS history shortened to fit</td></tr>
 * <tr><td>ist.topics.jobs-high / jobs-low</td><td>&lt;jobs&gt;.high / &lt;jobs&gt;.low</td><td>the HIGH and LOW lanes' jobs topics (ist.topics.jobs is NORMAL)</td></tr>
 * <tr><td>ist.lanes.weights</td><td>8,3,1</td><td>HIGH,NORMAL,LOW credits of the lane schedule (the gateway's queue positions read the same key)</td></tr>
 * <tr><td>ist.worker.lane-settle</td><td>50ms</td><td>extra poll for other lanes' records before starting a job that is not HIGH</td></tr>
 * <tr><td>ist.topics.workers</td><td>ist.workers</td><td>compacted topic where the worker advertises its capacity</td></tr>
 * <tr><td>ist.worker.capacity-interval</td><td>30s</td><td>how often the advertisement is refreshed</td></tr>
 * <tr><td>ist.capacity.max-age</td><td>90s</td><td>an advertisement older than this no longer counts when the worker
 * looks for a pool to forward a job it cannot fit (same key as the gateway's)</td></tr>
 * <tr><td>ist.worker.max-job-forwards</td><td>3</td><td>a job already forwarded this many times between pools is FAILED
 * TOO_LARGE_FOR_WORKER instead of forwarded again</td></tr>
 * </table>
 */
public record WorkerConfig(
        KafkaClientConfig kafka,
        Topics topics,
        String groupId,
        String workerId,
        StorageConfig storage,
        JobLimits limits,
        Optional<String> weightsPath,
        Optional<String> randomWeights,
        String device,
        int threads,
        long maxOutputPixels,
        int metricsPort,
        int checkpointEvery,
        int progressEveryIterations,
        Duration progressMinInterval,
        int previewEvery,
        int previewSize,
        Duration shutdownGrace,
        Duration revokeGrace,
        Duration sessionTimeout,
        Duration maxPollInterval,
        Duration pollTimeout,
        Duration publishTimeout,
        int styleCacheEntries,
        long styleCacheMaxBytes,
        Duration cancelMemory,
        int cancelMemoryEntries,
        Duration controlSyncTimeout,
        int jobRetryAttempts,
        Duration jobRetryBackoff,
        int modelCacheEntries,
        long maxModelBytes,
        int maxJobAttempts,
        Optional<String> groupInstanceId,
        String metricsBindAddress,
        long memoryMargin,
        Optional<Long> memoryLimitBytes,
        Duration jobObjectRetention,
        Duration janitorInterval,
        long memoryBudget,
        String capacityTopic,
        Duration capacityInterval,
        Precision precision,
        java.util.Map<dev.ist.common.job.Priority, Integer> laneWeights,
        Duration laneSettle,
        String pool,
        Duration capacityMaxAge,
        int maxJobForwards,
        boolean createTopics) {

    /** The worker's old name of {@code ist.engine.threads}, still read when that is unset (deployments set it). */
    public static final String DEPRECATED_THREADS_KEY = "ist.worker.threads";

    public WorkerConfig {
        require(checkpointEvery >= 0, "ist.worker.checkpoint-every must be >= 0");
        require(progressEveryIterations >= 1, "ist.worker.progress-every-iterations must be >= 1");
        require(previewEvery >= 0, "ist.worker.preview-every must be >= 0");
        require(previewSize >= 16 && previewSize <= 2048, "ist.worker.preview-size must be between 16 and 2048");
        require(metricsPort >= 0 && metricsPort <= 65535, "ist.worker.metrics-port must be a port number");
        require(threads >= 0, "ist.engine.threads must be >= 0");
        require(maxOutputPixels >= 1, "ist.engine.max-output-pixels must be >= 1");
        require(jobRetryAttempts >= 1, "ist.worker.job-retry.max-attempts must be >= 1");
        require(styleCacheEntries >= 0, "ist.worker.style-cache-entries must be >= 0");
        require(cancelMemoryEntries >= 1, "ist.worker.cancel-memory-entries must be >= 1");
        require(modelCacheEntries >= 1, "ist.worker.model-cache-entries must be >= 1");
        require(maxModelBytes >= 1, "ist.worker.max-model-bytes must be >= 1");
        require(maxJobAttempts >= 1, "ist.worker.max-job-attempts must be >= 1");
        require(memoryMargin >= 0, "ist.worker.memory-margin must be >= 0");
        require(memoryLimitBytes.isEmpty() || memoryLimitBytes.get() > 0, "ist.worker.memory-limit-bytes must be > 0");
        require(jobObjectRetention.compareTo(Duration.ZERO) > 0, "ist.retention.job-objects must be positive");
        require(janitorInterval.compareTo(Duration.ZERO) > 0, "ist.retention.janitor-interval must be positive");
        require(!metricsBindAddress.isBlank(), "ist.worker.metrics-bind-address must not be blank");
        require(WorkerPool.isValidName(pool), "ist.worker.pool must be 1 to 32 lower-case letters, digits or '-' "
                + "(starting with a letter or digit), was '" + pool + "'");
        require(capacityMaxAge.compareTo(Duration.ZERO) > 0, "ist.capacity.max-age must be positive");
        require(maxJobForwards >= 0, "ist.worker.max-job-forwards must be >= 0");
        groupInstanceId = groupInstanceId.filter(s -> !s.isBlank());
        require(weightsPath.isEmpty() || randomWeights.isEmpty(),
                "set either ist.worker.weights or ist.worker.random-weights, not both");
    }

    public static WorkerConfig from(IstConfig c) {
        String pool = c.get("ist.worker.pool", WorkerPool.DEFAULT).trim();
        return new WorkerConfig(
                KafkaClientConfig.from(c, "127.0.0.1:9092"),
                Topics.from(c),
                c.get("ist.worker.group-id", WorkerPool.isDefault(pool) ? "ist-workers" : "ist-workers-" + pool),
                c.get("ist.worker.id").orElseGet(WorkerConfig::defaultWorkerId),
                StorageConfig.from(c),
                JobLimits.from(c),
                c.get("ist.worker.weights"),
                c.get("ist.worker.random-weights"),
                c.get("ist.worker.device", "auto"),
                c.getInt("ist.engine.threads", c.getInt(DEPRECATED_THREADS_KEY, 0)),
                c.getLong("ist.engine.max-output-pixels", EngineSettings.DEFAULT_MAX_OUTPUT_PIXELS),
                c.getInt("ist.worker.metrics-port", 9400),
                c.getInt("ist.worker.checkpoint-every", 50),
                c.getInt("ist.worker.progress-every-iterations", 1),
                c.getDuration("ist.worker.progress-min-interval", Duration.ofMillis(500)),
                c.getInt("ist.worker.preview-every", 25),
                c.getInt("ist.worker.preview-size", 256),
                c.getDuration("ist.worker.shutdown-grace", Duration.ofSeconds(30)),
                c.getDuration("ist.worker.revoke-grace", Duration.ofSeconds(10)),
                c.getDuration("ist.worker.session-timeout", Duration.ofSeconds(45)),
                c.getDuration("ist.worker.max-poll-interval", Duration.ofMinutes(5)),
                c.getDuration("ist.worker.poll-timeout", Duration.ofMillis(200)),
                c.getDuration("ist.worker.publish-timeout", Duration.ofSeconds(30)),
                c.getInt("ist.worker.style-cache-entries", 64),
                c.getLong("ist.worker.style-cache-max-bytes", 256L * 1024 * 1024),
                c.getDuration("ist.worker.cancel-memory", Duration.ofHours(6)),
                c.getInt("ist.worker.cancel-memory-entries", 100_000),
                c.getDuration("ist.worker.control-sync-timeout", Duration.ofSeconds(2)),
                c.getInt("ist.worker.job-retry.max-attempts", 3),
                c.getDuration("ist.worker.job-retry.backoff", Duration.ofSeconds(2)),
                c.getInt("ist.worker.model-cache-entries", 4),
                c.getLong("ist.worker.max-model-bytes", 256L << 20),
                c.getInt("ist.worker.max-job-attempts", 3),
                c.get("ist.worker.group-instance-id"),
                c.get("ist.worker.metrics-bind-address", "127.0.0.1"),
                c.getLong("ist.worker.memory-margin", 512L << 20),
                c.get("ist.worker.memory-limit-bytes").map(WorkerConfig::parseBytes),
                c.getDuration("ist.retention.job-objects", Duration.ofDays(7)),
                c.getDuration("ist.retention.janitor-interval", Duration.ofHours(1)),
                c.get("ist.worker.memory-budget").map(MachineMemory::parse).orElseGet(() -> MachineMemory.defaultBudget(c)),
                c.get(WorkerCapacity.TOPIC_KEY, WorkerCapacity.DEFAULT_TOPIC),
                c.getDuration("ist.worker.capacity-interval", Duration.ofSeconds(30)),
                precision(c.get("ist.worker.precision", OptionDefaults.PRECISION.name())),
                dev.ist.common.job.LaneSchedule.parseWeights(c.get("ist.lanes.weights", "8,3,1")),
                c.getDuration("ist.worker.lane-settle", Duration.ofMillis(50)),
                pool,
                c.getDuration("ist.capacity.max-age", Duration.ofSeconds(90)),
                c.getInt("ist.worker.max-job-forwards", JobForwards.DEFAULT_MAX),
                c.getBoolean("ist.kafka.create-topics", true));
    }

    /** The brokers ({@code ist.kafka.bootstrap-servers}). */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** The jobs topics this worker consumes: its pool's lanes ({@link Topics#forPool}). */
    public Topics jobTopics() {
        return topics.forPool(pool);
    }

    /** What the engine of this worker is built with (the input-pixel gate of a job is {@link #limits()}). */
    public EngineSettings engineSettings() {
        return EngineSettings.defaults().withThreads(threads).withMaxOutputPixels(maxOutputPixels)
                .withMemoryBudget(memoryBudget);
    }

    private static Precision precision(String value) {
        try {
            return Precision.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ist.worker.precision must be FP32, BF16 or AUTO, was '" + value + "'");
        }
    }

    /** {@code hostname-pid}: unique per process, readable in logs and dashboards. */
    static String defaultWorkerId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("worker");
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    private static long parseBytes(String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("ist.worker.memory-limit-bytes must be a number of bytes, was '" + v + "'");
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
