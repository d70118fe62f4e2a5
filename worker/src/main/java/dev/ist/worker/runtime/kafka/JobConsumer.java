package dev.ist.worker.runtime.kafka;

import dev.ist.common.kafka.KafkaAccessProblem;
import dev.ist.common.job.LaneSchedule;
import dev.ist.common.job.Priority;
import dev.ist.worker.runtime.job.JobControl;
import dev.ist.worker.runtime.job.JobHandler;
import dev.ist.worker.runtime.job.JobOutcome;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The jobs-topic consumer: one job at a time, run off the polling thread. While a job runs every assigned partition
 * is paused and the thread keeps polling, so the group membership stays alive however long the job takes, without a
 * huge {@code max.poll.interval.ms}. The offset of a job is committed only after the runner says its terminal event
 * (or dead letter) is acknowledged. A revoked partition stops the job it holds (the runner checkpoints and publishes
 * nothing terminal); a job that finished just before the revocation is committed inside the callback, while the
 * partition is still ours. Cooperative-sticky assignment: a worker joining does not interrupt jobs whose partition
 * stays put.
 *
 * <p><b>Priority lanes.</b> The consumer subscribes to the jobs topic of every lane ({@link Settings#lanes()}) in the
 * one group. Fetched records wait in a {@link LaneBuffer} (a partition holding one stays paused, so at most its head
 * is held and nothing is reordered); when no job runs, the next one is the head that {@link LaneSchedule} picks:
 * smooth weighted round robin over the lanes with a record waiting, HIGH : NORMAL : LOW = 8 : 3 : 1 by default, so
 * higher lanes go first and a waiting lower lane still gets one pick in every (sum of weights). Before picking
 * anything but a HIGH record the consumer polls once more for {@link Lanes#settle()} while partitions without a
 * waiting record remain, so a fetch from another broker (another lane's leader) can still arrive. Records that wait
 * are not committed: commits stay per partition, after the terminal event of the job taken from it; a crash or a
 * rebalance drops the buffer and the broker redelivers from the committed offsets.
 */
public final class JobConsumer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobConsumer.class);

    /**
     * Settings of the poll loop. {@code consumerOverrides} replace the consumer's own settings; only tests use them
     * (e.g. an assignor that moves a partition on cue). {@code groupInstanceId} (may be null) turns on static
     * membership: a worker restarted under the same id within the session timeout gets its partitions back without
     * a rebalance, so no other worker's running job is disturbed.
     */
    public record Settings(String bootstrapServers, String groupId, String clientId, String topic,
                           Duration pollTimeout, Duration sessionTimeout, Duration maxPollInterval,
                           Duration revokeGrace, Duration shutdownGrace, Map<String, Object> consumerOverrides,
                           String groupInstanceId, Lanes lanes) {

        public Settings {
            consumerOverrides = Map.copyOf(consumerOverrides);
            if (groupInstanceId != null && groupInstanceId.isBlank()) {
                groupInstanceId = null;
            }
            if (lanes == null) {
                lanes = Lanes.only(topic);
            }
        }

        public Settings(String bootstrapServers, String groupId, String clientId, String topic,
                        Duration pollTimeout, Duration sessionTimeout, Duration maxPollInterval,
                        Duration revokeGrace, Duration shutdownGrace, Map<String, Object> consumerOverrides,
                        String groupInstanceId) {
            this(bootstrapServers, groupId, clientId, topic, pollTimeout, sessionTimeout, maxPollInterval,
                    revokeGrace, shutdownGrace, consumerOverrides, groupInstanceId, null);
        }

        public Settings(String bootstrapServers, String groupId, String clientId, String topic,
                        Duration pollTimeout, Duration sessionTimeout, Duration maxPollInterval,
                        Duration revokeGrace, Duration shutdownGrace, Map<String, Object> consumerOverrides) {
            this(bootstrapServers, groupId, clientId, topic, pollTimeout, sessionTimeout, maxPollInterval,
                    revokeGrace, shutdownGrace, consumerOverrides, null);
        }

        public Settings withGroupInstanceId(String id) {
            return new Settings(bootstrapServers, groupId, clientId, topic, pollTimeout, sessionTimeout,
                    maxPollInterval, revokeGrace, shutdownGrace, consumerOverrides, id, lanes);
        }

        /** Reads every lane's topic ({@code topic} stays the NORMAL one). */
        public Settings withLanes(Lanes value) {
            return new Settings(bootstrapServers, groupId, clientId, topic, pollTimeout, sessionTimeout,
                    maxPollInterval, revokeGrace, shutdownGrace, consumerOverrides, groupInstanceId, value);
        }

        public Settings(String bootstrapServers, String groupId, String clientId, String topic,
                        Duration pollTimeout, Duration sessionTimeout, Duration maxPollInterval,
                        Duration revokeGrace, Duration shutdownGrace) {
            this(bootstrapServers, groupId, clientId, topic, pollTimeout, sessionTimeout, maxPollInterval,
                    revokeGrace, shutdownGrace, Map.of());
        }
    }

    /**
     * The lanes a worker reads: each jobs topic with its lane, the weights of the schedule, and how long to wait for
     * other lanes' fetches before starting a record that is not HIGH.
     */
    public record Lanes(Map<String, Priority> topics, Map<Priority, Integer> weights, Duration settle) {

        public Lanes {
            topics = Map.copyOf(topics);
            weights = new LaneSchedule(weights).weights();
        }

        /** One topic, the NORMAL lane (no settling: there is nothing to choose between). */
        public static Lanes only(String topic) {
            return new Lanes(Map.of(topic, Priority.NORMAL), LaneSchedule.DEFAULT_WEIGHTS, Duration.ZERO);
        }

        /** The lane topics of {@code topics} (see {@link dev.ist.common.Topics}). */
        public static Lanes of(dev.ist.common.Topics topics, Map<Priority, Integer> weights, Duration settle) {
            Map<String, Priority> m = new HashMap<>();
            for (Priority p : Priority.values()) {
                m.put(topics.jobs(p), p);
            }
            return new Lanes(m, weights, settle);
        }
    }

    private final Settings settings;
    private final Consumer<String, byte[]> consumer;
    private final LaneBuffer waiting;
    private final JobHandler handler;
    private final KafkaAccessProblem access = new KafkaAccessProblem("the jobs consumer");
    private volatile java.util.function.Consumer<String> accessFailures = p -> { };
    private final ExecutorService jobThread;
    private final Thread pollThread;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private volatile boolean running = true;
    private volatile boolean halting;
    private volatile boolean joined;
    private volatile long lastPollNanos;
    private InFlight current;
    static final int DEFAULT_MAX_HANDLER_CRASHES = 3;
    private final CrashCounts crashes = new CrashCounts();
    private volatile PoisonSink poisonSink = LOG_ONLY;
    private volatile int maxHandlerCrashes = DEFAULT_MAX_HANDLER_CRASHES;

    private record InFlight(ConsumerRecord<String, byte[]> record, TopicPartition partition, JobControl control,
                            CompletableFuture<JobOutcome> outcome) {
    }

    public JobConsumer(Settings settings, JobHandler handler) {
        this(settings, new KafkaConsumer<>(consumerConfig(settings)), handler);
    }

    /** With a given consumer (unit tests of the rebalance handling). */
    JobConsumer(Settings settings, Consumer<String, byte[]> consumer, JobHandler handler) {
        this.settings = settings;
        this.handler = handler;
        this.consumer = consumer;
        this.waiting = new LaneBuffer(settings.lanes().topics(), new LaneSchedule(settings.lanes().weights()));
        this.jobThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ist-worker-job");
            t.setDaemon(true);
            return t;
        });
        this.pollThread = new Thread(this::run, "ist-worker-poll");
    }

    static Map<String, Object> consumerConfig(Settings s) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, s.groupId());
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, s.clientId());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // one record per poll: the partition it came from is paused while it waits in the LaneBuffer, so the rest
        // of that partition's fetch stays in the client's buffer and the next polls bring the other partitions' heads
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) s.sessionTimeout().toMillis());
        c.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.max(100, s.sessionTimeout().toMillis() / 3));
        c.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) s.maxPollInterval().toMillis());
        c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, List.of(CooperativeStickyAssignor.class.getName()));
        if (s.groupInstanceId() != null) {
            c.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, s.groupInstanceId());
        }
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.putAll(s.consumerOverrides());
        return c;
    }

    /** The Kafka consumer, for metrics binding only. */
    public Consumer<String, byte[]> kafkaConsumer() {
        return consumer;
    }

    public void start() {
        pollThread.start();
    }

    /** Joined the group and polled within the last 30 s. */
    public boolean isHealthy() {
        return running && joined && access.current() == null
                && System.nanoTime() - lastPollNanos < 30_000_000_000L;
    }

    /** Where login and ACL failures are counted ({@code ist_kafka_access_failures_total}); nothing until set. */
    public JobConsumer onAccessFailure(java.util.function.Consumer<String> sink) {
        this.accessFailures = sink == null ? p -> { } : sink;
        return this;
    }

    /** The login or ACL problem the consumer is waiting out, or null. */
    public String accessProblem() {
        return access.current();
    }

    /** The polling thread runs (or was stopped on purpose); false means the consumer died and the process should restart. */
    public boolean isAlive() {
        return pollThread.isAlive() || !running;
    }

    private void run() {
        try {
            consumer.subscribe(List.copyOf(new java.util.TreeSet<>(settings.lanes().topics().keySet())),
                    new Rebalance());
            while (running) {
                ConsumerRecords<String, byte[]> records;
                boolean settling = current == null && !waiting.isEmpty();
                boolean woken = false;
                try {
                    records = consumer.poll(settling ? settings.lanes().settle() : settings.pollTimeout());
                    access.cleared().ifPresent(LOG::info);
                } catch (WakeupException e) {
                    if (!running) {
                        break;
                    }
                    records = ConsumerRecords.empty(); // the job finished: commit now, not after the poll timeout
                    woken = true; // (a late wake-up must not pass for a settled poll)
                } catch (KafkaException e) {
                    // a login or ACL problem is the operator's to fix: stay alive (not ready) and try again later
                    String problem = KafkaAccessProblem.describe(e).orElseThrow(() -> e);
                    KafkaAccessProblem.Meeting m = access.met(problem);
                    m.log().ifPresent(LOG::error);
                    accessFailures.accept(problem);
                    KafkaAccessProblem.sleepWhile(m.retryIn(), () -> running);
                    continue;
                }
                lastPollNanos = System.nanoTime();
                for (ConsumerRecord<String, byte[]> record : records) {
                    // waits for its turn (also when a partition assigned during the job was not paused in time)
                    waiting.add(record);
                }
                if (current != null) {
                    consumer.pause(consumer.assignment());
                    if (current.outcome().isDone()) {
                        finish();
                    }
                }
                if (current == null && running && readyToPick(!records.isEmpty() || woken)) {
                    ConsumerRecord<String, byte[]> next = waiting.take();
                    begin(next, new TopicPartition(next.topic(), next.partition()));
                } else if (current == null) {
                    resumeFreePartitions();
                }
            }
        } catch (WakeupException e) {
            // close() woke us up
        } catch (RuntimeException e) {
            LOG.error("jobs consumer stopped: {}", e.toString(), e);
        } finally {
            leave();
        }
    }

    /**
     * Whether to start a waiting record now: a HIGH one at once; otherwise once a poll brought nothing new or every
     * assigned partition already holds a waiting record (no other lane's head can still arrive).
     */
    private boolean readyToPick(boolean fetchedJustNow) {
        // fetchedJustNow: this poll brought records, or was cut short by a wake-up
        if (waiting.isEmpty()) {
            return false;
        }
        if (waiting.has(Priority.HIGH) || !fetchedJustNow || settings.lanes().settle().isZero()) {
            return true;
        }
        return waiting.holding().containsAll(consumer.assignment());
    }

    /** Partitions holding a waiting record stay paused; every other partition of ours is read. */
    private void resumeFreePartitions() {
        Set<TopicPartition> holding = waiting.holding();
        holding.retainAll(consumer.assignment());
        consumer.pause(holding);
        Set<TopicPartition> free = new HashSet<>(consumer.paused());
        free.retainAll(consumer.assignment());
        free.removeAll(holding);
        if (!free.isEmpty()) {
            consumer.resume(free);
        }
    }

    private void begin(ConsumerRecord<String, byte[]> record, TopicPartition tp) {
        JobControl control = new JobControl();
        CompletableFuture<JobOutcome> outcome = new CompletableFuture<>();
        current = new InFlight(record, tp, control, outcome);
        consumer.pause(consumer.assignment());
        jobThread.execute(() -> {
            try {
                outcome.complete(handler.handle(JobMessages.of(record), control));
                crashes.clear(tp, record.offset());
            } catch (Throwable t) {
                outcome.complete(handlerCrashed(record, tp, t));
            }
            try {
                consumer.wakeup();
            } catch (RuntimeException ignored) {
                // already closed (halted)
            }
        });
    }

    /**
     * The handler threw instead of returning an outcome. Read the record again (the bug may be transient), but not
     * forever: after {@code maxHandlerCrashes} crashes in a row on the same offset the record goes to the poison sink
     * and is committed, so it cannot stall its partition. Runs on the job thread.
     */
    private JobOutcome handlerCrashed(ConsumerRecord<String, byte[]> record, TopicPartition tp, Throwable t) {
        int n = crashes.crashed(tp, record.offset());
        if (n < maxHandlerCrashes) {
            LOG.error("job at {}@{} failed unexpectedly ({} of {}); it will be read again", tp, record.offset(), n,
                    maxHandlerCrashes, t);
            return JobOutcome.redeliver("unexpected " + t);
        }
        crashes.clear(tp, record.offset());
        try {
            poisonSink.poisoned(record, t);
        } catch (RuntimeException e) {
            LOG.error("poison sink failed for {}@{}: {}", tp, record.offset(), e.toString());
        }
        return JobOutcome.commit("handler crashed " + n + " times: " + t);
    }

    /** Where a record that keeps crashing the handler goes before it is committed past (a dead letter). */
    @FunctionalInterface
    public interface PoisonSink {
        void poisoned(ConsumerRecord<String, byte[]> record, Throwable error);
    }

    /** Replaces the default sink (an ERROR log) — e.g. with one that dead-letters the record. */
    public JobConsumer onPoison(PoisonSink sink, int maxCrashes) {
        if (maxCrashes < 1) {
            throw new IllegalArgumentException("maxCrashes must be >= 1");
        }
        this.poisonSink = sink;
        this.maxHandlerCrashes = maxCrashes;
        return this;
    }

    private static final PoisonSink LOG_ONLY = (record, error) -> LOG.error("SKIPPED record {}-{}@{} ({} bytes):"
                    + " it crashed the handler {} times in a row; last error: {}", record.topic(), record.partition(),
            record.offset(), record.value() == null ? 0 : record.value().length, DEFAULT_MAX_HANDLER_CRASHES,
            error.toString());

    /** Consecutive handler crashes per record, touched only by the job thread. */
    private static final class CrashCounts {
        private TopicPartition partition;
        private long offset = -1;
        private int count;

        int crashed(TopicPartition tp, long off) {
            if (!tp.equals(partition) || off != offset) {
                partition = tp;
                offset = off;
                count = 0;
            }
            return ++count;
        }

        void clear(TopicPartition tp, long off) {
            if (tp.equals(partition) && off == offset) {
                partition = null;
                offset = -1;
                count = 0;
            }
        }
    }

    /** Called on the polling thread once the current job's outcome is known. */
    private void finish() {
        InFlight job = current;
        JobOutcome outcome = job.outcome().join();
        current = null;
        boolean owned = consumer.assignment().contains(job.partition()) && !job.control().isRevoked();
        switch (outcome.action()) {
            case COMMIT -> {
                if (owned) {
                    commit(job);
                } else {
                    LOG.info("job at {}@{} finished after its partition moved; the new owner re-publishes its"
                            + " terminal event", job.partition(), job.record().offset());
                }
            }
            case REDELIVER -> {
                if (owned && !halting) {
                    waiting.forget(List.of(job.partition()));
                    consumer.seek(job.partition(), job.record().offset());
                    LOG.warn("job at {}@{} will be read again: {}", job.partition(), job.record().offset(),
                            outcome.detail());
                }
            }
            case ABANDON -> LOG.info("job at {}@{} abandoned without commit: {}", job.partition(),
                    job.record().offset(), outcome.detail());
            default -> throw new IllegalStateException();
        }
        if (running) {
            resumeFreePartitions();
        }
    }

    private void commit(InFlight job) {
        try {
            try {
                consumer.commitSync(Map.of(job.partition(), new OffsetAndMetadata(job.record().offset() + 1)));
            } catch (WakeupException e) {
                // the job thread's "finished" wake-up landed here instead of in poll(); it has done its work
                consumer.commitSync(Map.of(job.partition(), new OffsetAndMetadata(job.record().offset() + 1)));
            }
        } catch (CommitFailedException | org.apache.kafka.common.errors.RebalanceInProgressException e) {
            // the partition is being moved; its new owner sees the terminal marker and re-publishes the same event
            LOG.warn("commit of job at {}@{} refused ({}); the next owner will skip it", job.partition(),
                    job.record().offset(), e.getMessage());
        } catch (KafkaException e) {
            // broker trouble: read the message again; the terminal marker makes that a re-publish, not a rerun
            LOG.warn("commit of job at {}@{} failed ({}); it will be read again", job.partition(),
                    job.record().offset(), e.toString());
            if (consumer.assignment().contains(job.partition())) {
                waiting.forget(List.of(job.partition()));
                consumer.seek(job.partition(), job.record().offset());
            }
        }
    }

    /** Graceful stop: the running job stops at its next iteration and checkpoints; nothing uncommitted is committed. */
    private void leave() {
        long deadline = System.nanoTime() + settings.shutdownGrace().toNanos();
        InFlight job = current;
        if (job != null) {
            if (halting) {
                job.control().halt();
            } else {
                job.control().shutdown();
                // keep a little of the grace period for leaving the group
                long waitMs = Math.max(500, settings.shutdownGrace().toMillis() - 3000);
                try {
                    job.outcome().get(waitMs, TimeUnit.MILLISECONDS);
                    finish();
                } catch (TimeoutException e) {
                    LOG.warn("job at {}@{} did not stop within {} ms; leaving without commit", job.partition(),
                            job.record().offset(), waitMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException | KafkaException e) {
                    LOG.warn("while stopping the job: {}", e.toString());
                }
            }
        }
        try {
            long leftMs = Math.max(0, Math.min(5000, (deadline - System.nanoTime()) / 1_000_000));
            Duration closeTimeout = halting ? Duration.ZERO : Duration.ofMillis(leftMs);
            try {
                consumer.close(closeTimeout);
            } catch (WakeupException e) {
                consumer.close(closeTimeout); // a stale wake-up from the job thread
            }
        } catch (RuntimeException e) {
            LOG.warn("closing the jobs consumer: {}", e.toString());
        }
        jobThread.shutdownNow();
        stopped.complete(null);
    }

    /** SIGTERM path: stop the job at its next iteration, checkpoint, leave the group without committing it. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        awaitStopped(settings.shutdownGrace().plusSeconds(2));
    }

    /** Simulates a crash (tests): the job stops without checkpoint or events and nothing is committed. */
    public void halt() {
        halting = true;
        InFlight job = current;
        if (job != null) {
            job.control().halt();
        }
        running = false;
        consumer.wakeup();
        awaitStopped(Duration.ofSeconds(30));
    }

    private void awaitStopped(Duration timeout) {
        if (!pollThread.isAlive() && !stopped.isDone()) {
            return;
        }
        try {
            stopped.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("jobs consumer did not stop within {}", timeout);
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            joined = true;
            if (current != null && !partitions.isEmpty()) {
                consumer.pause(partitions);
            }
            waiting.forget(partitions); // a partition back after a revocation starts again at its committed offset
            if (!partitions.isEmpty()) {
                LOG.info("assigned {}", partitions);
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                LOG.info("revoked {}", partitions);
            }
            waiting.forget(partitions); // uncommitted: the new owner reads them from the committed offset
            InFlight job = current;
            if (job == null || !partitions.contains(job.partition())) {
                return;
            }
            if (!job.outcome().isDone()) {
                job.control().revoke();
                if (!running) {
                    return; // closing: the shutdown path already waited for the job as long as the grace allows
                }
                try {
                    // give the job one iteration to stop and checkpoint, so the new owner resumes from here
                    job.outcome().get(settings.revokeGrace().toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    LOG.warn("job at {}@{} still stopping after {}", job.partition(), job.record().offset(),
                            settings.revokeGrace());
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (ExecutionException e) {
                    return;
                }
            }
            if (job.outcome().join().action() == JobOutcome.Action.COMMIT) {
                // its terminal event is out: commit while the partition is still ours inside this callback
                commit(job);
            }
            current = null;
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            waiting.forget(partitions);
            InFlight job = current;
            if (job != null && partitions.contains(job.partition())) {
                // no longer ours and no commit possible: stop without a terminal event
                job.control().revoke();
            }
        }
    }
}
