package dev.ist.common.kafka;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Reads every partition of one topic on its own thread, without a consumer group, from a chosen start (the beginning,
 * or a time back) and keeps up: the "replay a topic, then follow it" reader of the control topic and the capacity
 * topic. It waits for a topic that does not exist yet, hands each record to a sink (a sink that throws is logged and
 * the record skipped: never a wedge), says when the history present at start has been read, and lets a caller wait
 * until everything on the topic right now has been read.
 */
public final class TopicFollower implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(TopicFollower.class.getName());

    /** What is done with each record, on the follower's thread (it must not block for long). */
    @FunctionalInterface
    public interface RecordSink {
        void accept(ConsumerRecord<String, byte[]> record);
    }

    /** Where reading starts, per partition. */
    public sealed interface Start permits FromBeginning, Since {
    }

    /** Every record the topic still holds (a compacted topic: the latest record per key). */
    public record FromBeginning() implements Start {
    }

    /** Records from {@code history} back (partitions with nothing since then start at their end). */
    public record Since(Duration history, Clock clock) implements Start {
    }

    private final Consumer<String, byte[]> consumer;
    private final String topic;
    private final Start start;
    private final RecordSink sink;
    private final Duration pollTimeout;
    private final Thread thread;
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> syncRequests = new ConcurrentLinkedQueue<>();
    private final CompletableFuture<Void> initialCatchUp = new CompletableFuture<>();
    private volatile boolean running = true;
    private volatile long lastPollNanos = System.nanoTime();
    private volatile boolean started;
    private final KafkaAccessProblem access;
    private volatile java.util.function.Consumer<String> accessFailures = p -> { };

    /**
     * @param config      consumer settings (deserializers for String keys and byte[] values; no group id)
     * @param threadName  the follower thread's name, for thread dumps
     * @param pollTimeout how long one poll may wait (a sync request wakes it early)
     */
    public TopicFollower(Map<String, Object> config, String topic, Start start, RecordSink sink, String threadName,
                         Duration pollTimeout) {
        this(KafkaConsumer::new, config, topic, start, sink, threadName, pollTimeout);
    }

    TopicFollower(Function<Map<String, Object>, Consumer<String, byte[]>> consumers, Map<String, Object> config,
                  String topic, Start start, RecordSink sink, String threadName, Duration pollTimeout) {
        this.consumer = consumers.apply(config);
        this.topic = topic;
        this.start = start;
        this.sink = sink;
        this.pollTimeout = pollTimeout;
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
        this.access = new KafkaAccessProblem("the reader of " + topic);
    }

    /** Where login and ACL failures are counted; nothing until set. */
    public TopicFollower onAccessFailure(java.util.function.Consumer<String> sink) {
        this.accessFailures = sink == null ? p -> { } : sink;
        return this;
    }

    /** The login or ACL problem the follower is waiting out, or null. */
    public String accessProblem() {
        return access.current();
    }

    public synchronized TopicFollower start() {
        started = true;
        thread.start();
        return this;
    }

    public String topic() {
        return topic;
    }

    /** Completes once the records present when the topic was found have been read. */
    public CompletableFuture<Void> initialCatchUp() {
        return initialCatchUp;
    }

    /** Waits (at most {@code timeout}) until everything on the topic right now has been read. */
    public boolean awaitCaughtUp(Duration timeout) {
        if (!running) {
            return false;
        }
        CompletableFuture<Void> request = new CompletableFuture<>();
        syncRequests.add(request);
        if (initialCatchUp.isDone()) {
            consumer.wakeup(); // answer now rather than after the poll timeout
        }
        try {
            request.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    /** Read up to the start's end and polled within {@code within}. */
    public boolean isHealthy(Duration within) {
        return running && initialCatchUp.isDone() && access.current() == null
                && System.nanoTime() - lastPollNanos < within.toNanos();
    }

    public boolean isRunning() {
        return running;
    }

    private void run() {
        try {
            List<TopicPartition> assigned = awaitPartitions();
            if (assigned == null) {
                return;
            }
            consumer.assign(assigned);
            seekToStart(assigned);
            Map<TopicPartition, Long> initialEnd = consumer.endOffsets(assigned);
            Map<TopicPartition, Long> syncTarget = null;
            List<CompletableFuture<Void>> waiting = new ArrayList<>();
            while (running) {
                // a wake-up (a sync request, or close) may land in any blocking call of the body, not only the poll
                try {
                    try {
                        for (ConsumerRecord<String, byte[]> r : consumer.poll(pollTimeout)) {
                            hand(r);
                        }
                        access.cleared().ifPresent(line -> LOG.log(System.Logger.Level.INFO, line));
                    } catch (WakeupException e) {
                        if (!running) {
                            break;
                        }
                        // a sync request: answered below instead of after the poll timeout
                    }
                    lastPollNanos = System.nanoTime();
                    if (!initialCatchUp.isDone() && reached(initialEnd)) {
                        initialCatchUp.complete(null);
                        LOG.log(System.Logger.Level.INFO, "topic {0} read up to its end", topic);
                    }
                    CompletableFuture<Void> next;
                    while ((next = syncRequests.poll()) != null) {
                        waiting.add(next);
                    }
                    if (!waiting.isEmpty()) {
                        if (syncTarget == null) {
                            syncTarget = consumer.endOffsets(assigned);
                        }
                        if (reached(syncTarget)) {
                            waiting.forEach(f -> f.complete(null));
                            waiting.clear();
                            syncTarget = null;
                        }
                    }
                } catch (WakeupException e) {
                    if (!running) {
                        break;
                    }
                } catch (KafkaException e) {
                    waitOut(e);
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "stopped following {0}: {1}", topic, e.toString());
        } finally {
            running = false;
            try {
                consumer.close(Duration.ofSeconds(2));
            } catch (RuntimeException ignored) {
                // nothing left to do with it
            }
        }
    }

    private void hand(ConsumerRecord<String, byte[]> r) {
        try {
            sink.accept(r);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "record {0}-{1}@{2} skipped: {3}", r.topic(), r.partition(),
                    r.offset(), e.toString());
        }
    }

    /** The topic's partitions once it exists (it is created by its writers); null when closed first. */
    private List<TopicPartition> awaitPartitions() {
        while (running) {
            try {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
                if (infos != null && !infos.isEmpty()) {
                    return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                }
                LOG.log(System.Logger.Level.INFO, "topic {0} does not exist yet; waiting for it", topic);
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                LOG.log(System.Logger.Level.DEBUG, "waiting for Kafka to describe {0}", topic);
            } catch (WakeupException e) {
                throw e;
            } catch (KafkaException e) {
                waitOut(e);
                continue;
            }
            if (!KafkaAccessProblem.sleepWhile(Duration.ofSeconds(1), () -> running)) {
                return null;
            }
        }
        return null;
    }

    /** A login or ACL failure: one line per new problem, a growing pause, then the caller tries again. */
    private void waitOut(KafkaException e) {
        String problem = KafkaAccessProblem.describe(e).orElseThrow(() -> e);
        KafkaAccessProblem.Meeting m = access.met(problem);
        m.log().ifPresent(line -> LOG.log(System.Logger.Level.ERROR, line));
        accessFailures.accept(problem);
        KafkaAccessProblem.sleepWhile(m.retryIn(), () -> running);
    }

    private void seekToStart(List<TopicPartition> assigned) {
        if (start instanceof Since since) {
            long from = Math.max(0, since.clock().instant().minus(since.history()).toEpochMilli());
            Map<TopicPartition, Long> query = new HashMap<>();
            assigned.forEach(tp -> query.put(tp, from));
            Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(query);
            List<TopicPartition> toEnd = new ArrayList<>();
            for (TopicPartition tp : assigned) {
                OffsetAndTimestamp o = offsets.get(tp);
                if (o == null) {
                    toEnd.add(tp);
                } else {
                    consumer.seek(tp, o.offset());
                }
            }
            if (!toEnd.isEmpty()) {
                consumer.seekToEnd(toEnd);
            }
        } else {
            consumer.seekToBeginning(assigned);
        }
    }

    private boolean reached(Map<TopicPartition, Long> target) {
        for (Map.Entry<TopicPartition, Long> e : target.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public synchronized void close() {
        running = false;
        if (!started) {
            consumer.close(Duration.ZERO); // never started: the thread that would close it does not exist
            return;
        }
        consumer.wakeup();
        if (thread.isAlive()) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
