package dev.ist.worker.runtime;

import dev.ist.common.IstConfig;
import dev.ist.common.Topics;
import dev.ist.common.codec.InvalidMessageException;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.ControlMessage;
import dev.ist.common.event.DeadLetter;
import dev.ist.common.event.EventType;
import dev.ist.common.event.JobEvent;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.JobRequest;
import dev.ist.common.job.StyleRef;
import dev.ist.common.storage.ImageStore;
import dev.ist.common.storage.StorageConfig;
import dev.ist.testkit.KafkaBroker;
import dev.ist.testkit.S3Server;
import dev.ist.worker.engine.StyleTransferEngine;
import dev.ist.worker.engine.weights.RandomWeights;
import dev.ist.worker.runtime.job.EngineHandle;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Real broker + real S3 server + workers with a tiny random VGG-shaped network, with helpers to submit jobs and to
 * watch the events and dead-letter topics. Each harness has its own topics, group and bucket.
 */
final class WorkerHarness implements AutoCloseable {

    /** 13 convolutions (up to conv5_1, so the paper's layers exist) with few channels: a job of 40 px runs fast. */
    static final int[] TINY_CHANNELS = {4, 4, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8};

    static {
        // the broker and S3Proxy log every step at INFO; keep the worker's own lines readable
        for (String noisy : List.of("org.apache.kafka", "kafka", "org.gaul", "org.jclouds", "org.eclipse.jetty",
                "ai.djl")) {
            System.setProperty("org.slf4j.simpleLogger.log." + noisy, "warn");
        }
    }

    final KafkaBroker broker;
    final S3Server s3;
    final Topics topics;
    final String group;
    final String bucket;
    final ImageStore store;
    final KafkaProducer<String, byte[]> producer;
    final Map<String, List<JobEvent>> events = new ConcurrentHashMap<>();
    final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();
    private final List<Worker> workers = new CopyOnWriteArrayList<>();
    private final List<EngineHandle> engines = new CopyOnWriteArrayList<>();
    private final Thread watcher;
    private volatile boolean watching = true;
    private final JsonCodec codec = JsonCodec.shared();

    WorkerHarness(String name, S3Server s3) {
        this(name, s3, KafkaBroker.shared());
    }

    /** On another broker (a secured one: the harness's own clients log in as its super-user). */
    WorkerHarness(String name, S3Server s3, KafkaBroker broker) {
        this.broker = broker;
        this.s3 = s3;
        String suffix = KafkaBroker.uniqueTopic(name);
        this.topics = new Topics("jobs-" + suffix, "events-" + suffix, "dlq-" + suffix, "control-" + suffix);
        this.group = "workers-" + suffix;
        this.bucket = ("b-" + suffix).toLowerCase(Locale.ROOT);
        broker.createTopic(topics.jobs(), 3);
        broker.createTopic(topics.jobsHigh(), 3);
        broker.createTopic(topics.jobsLow(), 3);
        broker.createTopic(topics.events(), 3);
        broker.createTopic(topics.dlq(), 1);
        broker.createTopic(topics.control(), 1);
        s3.createBucket(bucket);
        this.store = new ImageStore(StorageConfig.of(s3.endpoint(), s3.accessKey(), s3.secretKey(), bucket)
                .withRetry(new StorageConfig.RetryPolicy(10, Duration.ofMillis(100), Duration.ofSeconds(1))));
        this.producer = broker.newProducer();
        this.watcher = new Thread(this::watch, "harness-watcher-" + name);
        this.watcher.setDaemon(true);
        this.watcher.start();
    }

    WorkerHarness(String name) {
        this(name, S3Server.shared());
    }

    /** Settings of a test worker; tests override single keys. */
    Map<String, String> workerSettings(String workerId) {
        Map<String, String> c = new HashMap<>();
        c.put("ist.kafka.bootstrap-servers", broker.bootstrapServers());
        c.put("ist.topics.jobs", topics.jobs());
        c.put("ist.topics.events", topics.events());
        c.put("ist.topics.dlq", topics.dlq());
        c.put("ist.topics.control", topics.control());
        c.put("ist.worker.group-id", group);
        c.put("ist.worker.id", workerId);
        c.put("ist.s3.endpoint", s3.endpoint());
        c.put("ist.s3.access-key", s3.accessKey());
        c.put("ist.s3.secret-key", s3.secretKey());
        c.put("ist.s3.bucket", bucket);
        c.put("ist.s3.retry.initial-backoff", "100ms");
        c.put("ist.s3.retry.max-backoff", "1s");
        c.put("ist.worker.metrics-port", "0");
        c.put("ist.worker.session-timeout", "6s");
        c.put("ist.worker.checkpoint-every", "10");
        c.put("ist.worker.preview-every", "10");
        c.put("ist.worker.preview-size", "32");
        c.put("ist.worker.progress-min-interval", "0ms");
        c.put("ist.worker.shutdown-grace", "20s");
        return c;
    }

    Worker startWorker(String workerId) {
        return startWorker(workerSettings(workerId));
    }

    Worker startWorker(Map<String, String> settings) {
        return startWorker(settings, RandomWeights.create(7, TINY_CHANNELS, TINY_CHANNELS.length));
    }

    Worker startWorker(Map<String, String> settings, dev.ist.worker.engine.Vgg19Weights weights) {
        return startWorker(settings, weights, e -> e);
    }

    Worker startWorker(Map<String, String> settings, dev.ist.worker.engine.Vgg19Weights weights,
                       java.util.function.UnaryOperator<EngineHandle> decorate) {
        EngineHandle engine = decorate.apply(
                new OnePerProcess(EngineHandle.of(new StyleTransferEngine(weights, "cpu"))));
        engines.add(engine);
        Worker w = new Worker(WorkerConfig.from(IstConfig.of(settings)), engine).start();
        workers.add(w);
        return w;
    }

    ImageRef upload(byte[] bytes) {
        store.putContentAddressed(bytes, "application/octet-stream");
        return new ImageRef(ImageStore.sha256Hex(bytes));
    }

    static JobOptions.Builder tinyOptions(int size, int iterations) {
        return JobOptions.builder().size(size).iterations(iterations).styleWeight(1e3).seed(42);
    }

    JobRequest request(ImageRef content, ImageRef style, JobOptions options) {
        return JobRequest.of(UUID.randomUUID().toString(), Instant.now(), content, List.of(new StyleRef(style, 1.0)),
                options, "test");
    }

    RecordMetadata submit(JobRequest request) {
        return send(topics.jobs(request.lane()), request.jobId(), codec.encode(request));
    }

    void cancel(String jobId) {
        send(topics.control(), jobId, codec.encode(ControlMessage.cancel(jobId, Instant.now(), "test")));
    }

    RecordMetadata send(String topic, String key, byte[] value) {
        try {
            return producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not publish to " + topic + ": " + e, e);
        }
    }

    List<JobEvent> events(String jobId) {
        return new ArrayList<>(events.getOrDefault(jobId, List.of()));
    }

    JobEvent awaitTerminal(String jobId, Duration timeout) {
        await("terminal event of " + jobId, timeout, () -> events(jobId).stream().anyMatch(JobEvent::isTerminal));
        return events(jobId).stream().filter(JobEvent::isTerminal).findFirst().orElseThrow();
    }

    JobEvent awaitEvent(String jobId, Predicate<JobEvent> p, Duration timeout) {
        await("event of " + jobId, timeout, () -> events(jobId).stream().anyMatch(p));
        return events(jobId).stream().filter(p).findFirst().orElseThrow();
    }

    static long count(List<JobEvent> events, EventType type) {
        return events.stream().filter(e -> e.type() == type).count();
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }

    private void watch() {
        try (KafkaConsumer<String, byte[]> consumer = broker.newConsumer("watch-" + UUID.randomUUID())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(topics.events(), topics.dlq())) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (watching) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    try {
                        if (r.topic().equals(topics.events())) {
                            JobEvent e = codec.decodeEvent(r.value());
                            events.computeIfAbsent(e.jobId(), k -> new CopyOnWriteArrayList<>()).add(e);
                        } else {
                            deadLetters.add(codec.decodeDeadLetter(r.value()));
                        }
                    } catch (InvalidMessageException e) {
                        throw new AssertionError("a worker published an undecodable message: " + e.getMessage());
                    }
                }
            }
        }
    }

    void stopWorker(Worker w) {
        w.close();
        workers.remove(w);
    }

    void haltWorker(Worker w) {
        w.haltAbruptly();
        workers.remove(w);
    }

    /** Waits until the group has {@code members} members that all own at least one partition. */
    void awaitGroupBalanced(int members, Duration timeout) {
        await("group " + group + " with " + members + " assigned members", timeout, () -> {
            try {
                var description = broker.admin().describeConsumerGroups(List.of(group)).all()
                        .get(10, TimeUnit.SECONDS).get(group);
                return description.members().size() == members && description.members().stream()
                        .allMatch(m -> !m.assignment().topicPartitions().isEmpty());
            } catch (Exception e) {
                return false;
            }
        });
    }

    /** The committed offset of the group on one partition, or -1. */
    long committedOffset(int partition) {
        try {
            var offsets = broker.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS);
            var o = offsets.get(new TopicPartition(topics.jobs(), partition));
            return o == null ? -1 : o.offset();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The sum of the group's committed offsets over every lane's jobs topic (= records committed past). */
    long committedTotal() {
        try {
            var offsets = broker.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS);
            long n = 0;
            for (var e : offsets.entrySet()) {
                if (topics.isJobsTopic(e.getKey().topic()) && e.getValue() != null) {
                    n += e.getValue().offset();
                }
            }
            return n;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A job id whose record lands on {@code partition} of the jobs topic (Kafka's default partitioner). */
    static String jobIdOnPartition(int partition, int partitions) {
        while (true) {
            String id = UUID.randomUUID().toString();
            byte[] key = id.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            if (org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(key))
                    % partitions == partition) {
                return id;
            }
        }
    }

    JobRequest request(String jobId, ImageRef content, ImageRef style, JobOptions options) {
        return JobRequest.of(jobId, Instant.now(), content, List.of(new StyleRef(style, 1.0)), options, "test");
    }

    /**
     * A test engine that wraps the real one: subclasses override {@code stylize} (or {@code device}) to add what a test
     * needs, everything else is passed through.
     */
    abstract static class DelegatingEngine implements EngineHandle {
        protected final EngineHandle engine;

        DelegatingEngine(EngineHandle engine) {
            this.engine = engine;
        }

        @Override
        public String device() {
            return engine.device();
        }

        @Override
        public String weightsDescription() {
            return engine.weightsDescription();
        }

        @Override
        public String weightsSha256() {
            return engine.weightsSha256();
        }

        @Override
        public void close() {
            engine.close();
        }
    }

    /**
     * Workers sharing this JVM take turns at the engine, as real workers (one per process) never compete for it:
     * one transfer at a time keeps the 2 test cores from being oversubscribed.
     */
    static final class OnePerProcess extends DelegatingEngine {
        private static final java.util.concurrent.locks.ReentrantLock ENGINE = new java.util.concurrent.locks.ReentrantLock();

        OnePerProcess(EngineHandle engine) {
            super(engine);
        }

        @Override
        public dev.ist.worker.engine.TransferResult stylize(dev.ist.worker.engine.TransferSpec spec,
                                                            dev.ist.worker.engine.IterationListener listener,
                                                            BooleanSupplier cancelled) {
            ENGINE.lock();
            try {
                return engine.stylize(spec, listener, cancelled);
            } finally {
                ENGINE.unlock();
            }
        }
    }

    @Override
    public void close() {
        for (Worker w : workers) {
            w.close();
        }
        engines.forEach(EngineHandle::close);
        watching = false;
        try {
            watcher.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
        store.close();
    }
}
