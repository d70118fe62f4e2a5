package dev.ist.worker.runtime.kafka;

import dev.ist.common.codec.InvalidMessageException;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.ControlMessage;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads the control topic on every worker: no consumer group, every partition assigned manually, starting
 * {@code cancel-memory} back in time so cancels sent while this worker was down still count. Cancels go to the
 * {@link CancelRegistry}. {@link #awaitCaughtUp} lets the job thread make sure every cancel published before a job
 * was picked up has been read, so a job cancelled while queued is never started.
 */
public final class ControlListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlListener.class);

    private final Consumer<String, byte[]> consumer;
    private final String topic;
    private final CancelRegistry registry;
    private final Duration history;
    private final Clock clock;
    private final JsonCodec codec = JsonCodec.shared();
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> syncRequests = new ConcurrentLinkedQueue<>();
    private final CompletableFuture<Void> initialCatchUp = new CompletableFuture<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long lastPollNanos;
    private volatile java.util.function.Consumer<ControlMessage> onCancel = m -> { };

    public ControlListener(String bootstrapServers, String clientId, String topic, CancelRegistry registry,
                           Duration history, Clock clock) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        // the broker answers one request per connection at a time: a long-polling fetch would hold up the
        // end-offset look-up of a sync for up to fetch.max.wait.ms; the topic is tiny, so poll briskly
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumer = new KafkaConsumer<>(c);
        this.topic = topic;
        this.registry = registry;
        this.history = history;
        this.clock = clock;
        this.thread = new Thread(this::run, "ist-worker-control");
        this.thread.setDaemon(true);
    }

    /**
     * Also hands every cancel read to {@code sink} (on this listener's thread: the sink must not block), e.g. to
     * record it durably.
     */
    public ControlListener onCancel(java.util.function.Consumer<ControlMessage> sink) {
        this.onCancel = sink;
        return this;
    }

    public void start() {
        thread.start();
    }

    /** Completes once the history present at start has been read. */
    public CompletableFuture<Void> initialCatchUp() {
        return initialCatchUp;
    }

    /** Waits (at most {@code timeout}) until everything on the control topic right now has been read. */
    public boolean awaitCaughtUp(Duration timeout) {
        if (!running) {
            return false;
        }
        CompletableFuture<Void> request = new CompletableFuture<>();
        syncRequests.add(request);
        if (initialCatchUp.isDone()) {
            consumer.wakeup();
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

    /** Polled within the last 30 s. */
    public boolean isHealthy() {
        return running && initialCatchUp.isDone() && System.nanoTime() - lastPollNanos < 30_000_000_000L;
    }

    private void run() {
        try {
            List<TopicPartition> partitions = assign();
            Map<TopicPartition, Long> initialEnd = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> pendingTarget = null;
            List<CompletableFuture<Void>> waiting = new ArrayList<>();
            while (running) {
                try {
                    try {
                        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                            apply(r);
                        }
                    } catch (WakeupException e) {
                        if (!running) {
                            break;
                        }
                        // a sync request: answer it now instead of after the poll timeout
                    }
                    lastPollNanos = System.nanoTime();
                    if (!initialCatchUp.isDone() && reached(initialEnd)) {
                        initialCatchUp.complete(null);
                        LOG.info("control topic {} read up to its end ({} cancelled jobs remembered)", topic,
                                registry.size());
                    }
                    CompletableFuture<Void> next;
                    while ((next = syncRequests.poll()) != null) {
                        waiting.add(next);
                    }
                    if (!waiting.isEmpty()) {
                        if (pendingTarget == null) {
                            pendingTarget = consumer.endOffsets(partitions);
                        }
                        if (reached(pendingTarget)) {
                            waiting.forEach(f -> f.complete(null));
                            waiting.clear();
                            pendingTarget = null;
                        }
                    }
                } catch (WakeupException e) {
                    // close(), or a sync request that should not wait for the poll timeout
                    if (!running) {
                        break;
                    }
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            LOG.error("control listener stopped: {}", e.toString(), e);
        } finally {
            running = false;
            try {
                consumer.close(Duration.ofSeconds(2));
            } catch (RuntimeException ignored) {
                // nothing left to do with it
            }
        }
    }

    private List<TopicPartition> assign() {
        List<PartitionInfo> infos = List.of();
        while (running) {
            infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos != null && !infos.isEmpty()) {
                break;
            }
            LOG.warn("control topic {} not found yet; retrying", topic);
            sleep(1000);
        }
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo p : infos) {
            partitions.add(new TopicPartition(p.topic(), p.partition()));
        }
        consumer.assign(partitions);
        Map<TopicPartition, Long> since = new HashMap<>();
        long from = clock.instant().minus(history).toEpochMilli();
        partitions.forEach(tp -> since.put(tp, Math.max(0, from)));
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(since);
        List<TopicPartition> toEnd = new ArrayList<>();
        for (TopicPartition tp : partitions) {
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
        return partitions;
    }

    private boolean reached(Map<TopicPartition, Long> target) {
        for (Map.Entry<TopicPartition, Long> e : target.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        try {
            ControlMessage m = codec.decodeControl(record.value());
            if (m.action() == ControlMessage.Action.CANCEL) {
                registry.cancel(m.jobId(), m.at());
                LOG.info("cancel received for job {}", m.jobId());
                try {
                    onCancel.accept(m);
                } catch (RuntimeException e) {
                    LOG.warn("cancel of job {} not handed on: {}", m.jobId(), e.toString());
                }
            }
        } catch (InvalidMessageException e) {
            LOG.warn("ignoring malformed control message at {}-{}@{}: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
