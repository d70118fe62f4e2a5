package dev.ist.worker.runtime;

import dev.ist.common.ObjectKeys;
import dev.ist.common.event.ControlMessage;
import dev.ist.common.event.DeadLetter;
import dev.ist.common.event.ErrorCode;
import dev.ist.common.storage.CancelMarker;
import dev.ist.common.storage.ImageStore;
import dev.ist.common.storage.StorageConfig;
import dev.ist.common.job.JobMode;
import dev.ist.worker.fast.FastStyleEngine;
import dev.ist.worker.runtime.job.FastStylizer;
import dev.ist.worker.runtime.job.InputFetcher;
import dev.ist.worker.runtime.job.JobEvents;
import dev.ist.worker.runtime.job.JobRunner;
import dev.ist.worker.runtime.job.OptimiseStylizer;
import dev.ist.worker.runtime.job.FencedJobObjects;
import dev.ist.worker.runtime.job.JobMemoryCheck;
import dev.ist.worker.runtime.job.StyleTargetsCache;
import dev.ist.worker.runtime.job.Stylizer;
import dev.ist.worker.runtime.job.EngineHandle;
import dev.ist.worker.runtime.kafka.CancelRegistry;
import dev.ist.worker.runtime.kafka.ControlListener;
import dev.ist.worker.runtime.kafka.EventPublisher;
import dev.ist.worker.runtime.kafka.JobConsumer;
import dev.ist.common.Topics;
import dev.ist.common.capacity.HeapModel;
import dev.ist.common.capacity.WorkerCapacity;
import dev.ist.common.capacity.WorkerCapacityFeeder;
import dev.ist.common.capacity.WorkerCapacityTable;
import dev.ist.worker.runtime.capacity.ForwardTargets;
import dev.ist.worker.runtime.job.JobForwarding;
import dev.ist.worker.runtime.kafka.JobForwarder;
import dev.ist.worker.runtime.kafka.PoolTopics;
import dev.ist.worker.runtime.kafka.PublishedEvents;
import dev.ist.common.job.Precision;
import dev.ist.worker.engine.Throughput;
import dev.ist.worker.runtime.capacity.CapacityAdvertiser;
import dev.ist.common.capacity.MemoryModel;
import dev.ist.worker.runtime.fleet.MemoryPreflight;
import dev.ist.worker.runtime.fleet.StorageJanitor;
import dev.ist.worker.runtime.fleet.WorkerMemoryBudget;
import dev.ist.worker.runtime.metrics.ManagementServer;
import dev.ist.worker.runtime.metrics.WorkerMetrics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One worker: the jobs consumer, the control listener, the event publisher, storage, the engine and the management
 * port, started and stopped in the right order. {@link #close()} is the SIGTERM path (stop the job at its next
 * iteration, checkpoint, leave the group without committing it).
 */
public final class Worker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    private static final Duration STORAGE_PROBE_EVERY = Duration.ofSeconds(5);
    /** Consecutive handler crashes on one record before it is dead-lettered (a bug, not a transient fault). */
    private static final int HANDLER_CRASHES_BEFORE_DEAD_LETTER = 3;
    /** How far back a replayed terminal event is looked for (records of its partition since it was made). */
    private static final int PUBLISHED_EVENT_SCAN_LIMIT = 200_000;

    private final WorkerConfig config;
    private final EngineHandle engine;
    private final Clock clock;
    private final Map<String, Object> jobsConsumerOverrides;
    private WorkerMetrics metrics;
    private ImageStore store;
    private ImageStore quickStore;
    private EventPublisher publisher;
    private PublishedEvents publishedEvents;
    private ControlListener control;
    private JobConsumer consumer;
    private ManagementServer management;
    private ScheduledExecutorService background;
    private final Map<JobMode, Stylizer> stylizers = new EnumMap<>(JobMode.class);
    private volatile boolean storageReachable;
    private volatile long storageProbedAt;
    private boolean closed;
    private CapacityAdvertiser capacity;
    private WorkerCapacityTable fleet;
    private WorkerCapacityFeeder fleetFeeder;

    public Worker(WorkerConfig config, EngineHandle engine) {
        this(config, engine, Clock.systemUTC());
    }

    public Worker(WorkerConfig config, EngineHandle engine, Clock clock) {
        this(config, engine, clock, Map.of());
    }

    /** With Kafka settings that replace the jobs consumer's own (tests: an assignor that moves partitions on cue). */
    Worker(WorkerConfig config, EngineHandle engine, Clock clock, Map<String, Object> jobsConsumerOverrides) {
        this.config = config;
        this.engine = engine;
        this.clock = clock;
        this.jobsConsumerOverrides = Map.copyOf(jobsConsumerOverrides);
    }

    public WorkerConfig config() {
        return config;
    }

    public synchronized Worker start() {
        config.kafka().requireOpenableTlsStores(); // before anything starts: no retry fixes an unopenable store
        metrics = new WorkerMetrics(config.workerId(), engine.device(), config.pool());
        engine.calibration().ifPresent(metrics::precisionCalibration);
        store = new ImageStore(config.storage());
        // previews and probes must not hold up an iteration for long: two quick attempts, then skip
        quickStore = new ImageStore(config.storage().withRetry(
                new StorageConfig.RetryPolicy(2, Duration.ofMillis(100), Duration.ofMillis(300))));
        try {
            store.ensureBucket();
            storageReachable = true;
        } catch (RuntimeException e) {
            LOG.warn("storage not ready at start ({}); jobs will retry", e.getMessage());
        }
        storageProbedAt = System.nanoTime();
        publisher = EventPublisher.create(config.kafka(), config.workerId() + "-events", config.topics(),
                config.publishTimeout());
        publisher.reportSkipsTo(metrics::recordSkipped);
        publishedEvents = PublishedEvents.create(config.kafka(), config.workerId() + "-event-lookup",
                config.topics().events(), config.publishTimeout(), PUBLISHED_EVENT_SCAN_LIMIT);
        CancelRegistry cancels = new CancelRegistry(config.cancelMemoryEntries(), config.cancelMemory(), clock);
        CancelMarker cancelMarker = new CancelMarker(quickStore, clock);
        background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ist-worker-background");
            t.setDaemon(true);
            return t;
        });
        control = new ControlListener(config.kafka(), config.workerId() + "-control",
                config.topics().control(), cancels, config.cancelMemory(), clock)
                // the control topic's memory is bounded; the marker in the job's prefix is not
                .onCancel(m -> background.execute(() -> recordCancel(cancelMarker, m)));
        control.onAccessFailure(p -> metrics.kafkaAccessFailure("control-listener"));
        control.start();
        awaitControlHistory();
        // the job mode picks the stylizer; the engine is the caller's, the ONNX models are loaded (and closed) here
        stylizers.put(JobMode.OPTIMIZE, new OptimiseStylizer(engine,
                new StyleTargetsCache(config.styleCacheEntries(), config.styleCacheMaxBytes()), metrics));
        stylizers.put(JobMode.FAST, new FastStylizer(
                new FastStyleEngine(store, config.modelCacheEntries(), config.maxModelBytes())));
        FencedJobObjects objects = new FencedJobObjects(store, quickStore, clock, config.workerId());
        JobRunner runner = JobRunner.create(config, stylizers, objects, objects,
                new InputFetcher(store, config.limits()), JobEvents.of(publisher, publishedEvents), cancels::isCancelled,
                () -> control.awaitCaughtUp(config.controlSyncTimeout()), JobMemoryCheck.of(memoryPreflight()),
                metrics, clock, forwarding());
        // only this worker's pool's lanes: a job routed to another pool is never taken here
        Topics jobTopics = config.jobTopics();
        if (config.createTopics()) {
            PoolTopics.ensure(config.kafka(), config.topics(), jobTopics);
        }
        consumer = new JobConsumer(new JobConsumer.Settings(config.bootstrapServers(), config.groupId(),
                config.workerId() + "-jobs", jobTopics.jobs(), config.pollTimeout(), config.sessionTimeout(),
                config.maxPollInterval(), config.revokeGrace(), config.shutdownGrace(), jobsConsumerSettings())
                .withGroupInstanceId(config.groupInstanceId().orElse(null))
                .withLanes(JobConsumer.Lanes.of(jobTopics, config.laneWeights(), config.laneSettle())),
                runner);
        consumer.onAccessFailure(p -> metrics.kafkaAccessFailure("jobs-consumer"));
        // a record that keeps crashing the handler is dead-lettered and committed, never re-read forever
        consumer.onPoison(this::deadLetterPoison, HANDLER_CRASHES_BEFORE_DEAD_LETTER);
        metrics.bindConsumer(consumer.kafkaConsumer());
        consumer.start();
        long outputCap = advertisedOutputCap(config.maxOutputPixels(), Runtime.getRuntime().maxMemory());
        capacity = new CapacityAdvertiser(config.kafka(), config.capacityTopic(),
                () -> advertisement(outputCap),
                config.capacityInterval());
        StorageJanitor janitor = new StorageJanitor(store, config.jobObjectRetention(), clock);
        long everyMs = config.janitorInterval().toMillis();
        background.scheduleWithFixedDelay(() -> sweep(janitor), Math.min(everyMs, 60_000), everyMs,
                TimeUnit.MILLISECONDS);
        management = new ManagementServer(config.metricsBindAddress(), config.metricsPort(), metrics,
                () -> consumer.isAlive(), this::readiness);
        LOG.info("kafka client settings: {}", config.kafka().describe());
        LOG.info("worker {} started: pool {}, device {}, weights {}, group {}, topics {} (lane weights {}), "
                        + "management port {}", config.workerId(), config.pool(), engine.device(),
                engine.weightsDescription(), config.groupId(), jobTopics.jobLanes(), config.laneWeights(),
                management.port());
        return this;
    }

    /**
     * What this worker can take now: its budget and cap, and the speed of each precision it knows, the one a job that
     * names none runs in first (so the gateway quotes a job with the speed it will get).
     */
    private WorkerCapacity advertisement(long outputCap) {
        Precision precision = engine.defaultPrecision();
        return new WorkerCapacity(WorkerCapacity.SCHEMA_VERSION, config.workerId(), engine.device(),
                config.memoryBudget(), Throughput.pixelsPerSecond(precision), outputCap, clock.instant(),
                config.pool(), precision, Throughput.known());
    }

    /** The jobs consumer's client settings on top of its own: the cluster's security, then a test's overrides. */
    private Map<String, Object> jobsConsumerSettings() {
        Map<String, Object> c = new java.util.HashMap<>(config.kafka().properties());
        c.putAll(jobsConsumerOverrides);
        return c;
    }

    /**
     * Cancels sent while no worker was up must be known before the first job starts: waits up to 30 s for the control
     * topic's history, less when Kafka refuses the login or the ACL (then the worker comes up not ready, saying why,
     * instead of hanging before its health port opens).
     */
    private void awaitControlHistory() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                control.initialCatchUp().get(200, TimeUnit.MILLISECONDS);
                return;
            } catch (java.util.concurrent.TimeoutException e) {
                if (control.accessProblem() != null) {
                    LOG.warn("control topic {} not readable ({}); starting not ready", config.topics().control(),
                            control.accessProblem());
                    return;
                }
            } catch (Exception e) {
                break;
            }
        }
        LOG.warn("control topic {} not read up to its end within 30 s; continuing", config.topics().control());
    }

    /** The Kafka login or ACL problem this worker waits out (jobs consumer or control listener), if any. */
    public java.util.Optional<String> kafkaAccessProblem() {
        String p = consumer == null ? null : consumer.accessProblem();
        if (p == null && control != null) {
            p = control.accessProblem();
        }
        return java.util.Optional.ofNullable(p);
    }

    /**
     * Where a job this worker cannot fit goes: the fleet's capacity table, read from the capacity topic like the
     * gateway reads it, names the pools that fit it.
     */
    private JobForwarding forwarding() {
        fleet = new WorkerCapacityTable(config.capacityMaxAge());
        fleetFeeder = new WorkerCapacityFeeder(fleet, config.capacityTopic(), config.kafka(),
                config.workerId() + "-capacity");
        fleetFeeder.start();
        return new JobForwarder(publisher, config.topics(), new ForwardTargets(fleet, config.pool(), clock),
                config.maxJobForwards(), config.workerId(), metrics, clock);
    }

    /**
     * The worker's one memory budget ({@code ist.worker.memory-budget}, by default the measured one: see
     * {@link dev.ist.worker.runtime.capacity.MachineMemory#defaultBudget}): the engine tiles against it, the capacity
     * advertisement publishes it, and the preflight checks jobs against it.
     */
    private MemoryPreflight memoryPreflight() {
        MemoryPreflight preflight = new MemoryPreflight(MemoryModel.measuredCpuFp32(), config.memoryBudget());
        LOG.info("memory budget: {} MiB for a job", preflight.budgetBytes() >> 20);
        return preflight;
    }

    private void recordCancel(CancelMarker marker, ControlMessage m) {
        if (!ObjectKeys.isJobId(m.jobId())) {
            return;
        }
        try {
            if (!marker.isCancelled(m.jobId())) {
                marker.mark(m.jobId(), m.requestedBy(), config.workerId());
            }
        } catch (RuntimeException e) {
            LOG.warn("cancel marker of job {} not written ({}); the control topic still carries the cancel",
                    m.jobId(), e.getMessage());
        }
    }

    /**
     * The output cap this worker advertises: the configured one, lowered to what its Java heap holds
     * ({@link HeapModel}), so that the gateway never routes here a job the engine would refuse for want of heap.
     */
    static long advertisedOutputCap(long configuredCap, long maxHeapBytes) {
        long cap = HeapModel.outputCap(configuredCap, maxHeapBytes);
        if (cap < configuredCap) {
            LOG.warn("the Java heap ({} max) holds outputs up to {} pixels, below ist.engine.max-output-pixels ({}): "
                    + "this worker advertises {}; give it more heap (-Xmx, MaxRAMPercentage) for larger prints",
                    MemoryModel.mib(maxHeapBytes), cap, configuredCap, cap);
        }
        return cap;
    }

    private void deadLetterPoison(ConsumerRecord<String, byte[]> record, Throwable error) {
        String jobId = ObjectKeys.isJobId(record.key()) ? record.key() : null;
        try {
            publisher.deadLetter(DeadLetter.of(jobId, record.topic(), record.partition(), record.offset(),
                    clock.instant(), config.workerId(), ErrorCode.INTERNAL, "the record crashed the worker's handler "
                            + HANDLER_CRASHES_BEFORE_DEAD_LETTER + " times in a row: " + error, record.value()));
            metrics.deadLetter(ErrorCode.INTERNAL);
        } catch (EventPublisher.PublishException e) {
            // deadLetter skips (and counts) instead of throwing; kept for the signature
            metrics.recordSkipped("dlq_failed");
        }
    }

    private void sweep(StorageJanitor janitor) {
        try {
            janitor.sweep();
        } catch (RuntimeException e) {
            LOG.warn("storage janitor sweep failed ({}); next one in {}", e.getMessage(), config.janitorInterval());
        }
    }

    /** The management port actually bound (useful with {@code ist.worker.metrics-port=0}). */
    public int managementPort() {
        return management.port();
    }

    public WorkerMetrics metrics() {
        return metrics;
    }

    /** The fleet's capacity as this worker has read it (where it would forward a job it cannot fit). */
    WorkerCapacityTable fleetView() {
        return fleet;
    }

    /** Named checks behind {@code /health/ready}. */
    public Map<String, Boolean> readiness() {
        Map<String, Boolean> checks = new LinkedHashMap<>();
        checks.put("jobs-consumer", consumer != null && consumer.isHealthy());
        checks.put("control-listener", control != null && control.isHealthy());
        checks.put("storage", probeStorage());
        checks.put("weights", engine.weightsSha256() != null);
        return checks;
    }

    private boolean probeStorage() {
        if (System.nanoTime() - storageProbedAt > STORAGE_PROBE_EVERY.toNanos()) {
            storageProbedAt = System.nanoTime();
            try {
                quickStore.exists("health/probe");
                storageReachable = true;
            } catch (RuntimeException e) {
                storageReachable = false;
            }
        }
        return storageReachable;
    }

    /** Graceful stop (SIGTERM): the running job stops at its next iteration and checkpoints; no commit for it. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("worker {} stopping", config.workerId());
        if (consumer != null) {
            consumer.close();
        }
        closeRest();
    }

    /** Simulates a crash for tests: the job stops without checkpoint or events, the consumer closes without commit. */
    synchronized void haltAbruptly() {
        if (closed) {
            return;
        }
        closed = true;
        if (consumer != null) {
            consumer.halt();
        }
        closeRest();
    }

    private void closeRest() {
        if (capacity != null) {
            capacity.close(); // the tombstone: this worker leaves the fleet view
        }
        if (fleetFeeder != null) {
            fleetFeeder.close();
        }
        if (background != null) {
            background.shutdownNow();
        }
        if (control != null) {
            control.close();
        }
        if (publishedEvents != null) {
            publishedEvents.close();
        }
        if (publisher != null) {
            publisher.close();
        }
        if (management != null) {
            management.close();
        }
        // after the consumer: no job runs any more
        stylizers.values().forEach(Stylizer::close);
        stylizers.clear();
        if (quickStore != null) {
            quickStore.close();
        }
        if (store != null) {
            store.close();
        }
        if (metrics != null) {
            metrics.close();
        }
    }
}
