package dev.ist.gateway.store;

import dev.ist.common.TopicReaderConfig;
import dev.ist.common.kafka.KafkaClientConfig;
import dev.ist.common.codec.InvalidMessageException;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.JobEvent;
import dev.ist.gateway.kafka.KafkaAccess;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This replica's tail of the events topic, for what it has open now (event streams, {@code Prefer: wait}): every
 * partition from its end at start-up, no consumer group, nothing stored. Only records of jobs somebody listens to
 * are decoded. History comes from the database; this only carries what happens next.
 */
public final class LiveEvents implements Runnable, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LiveEvents.class);

    private final String topic;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, List<JobEventListener>> listeners = new ConcurrentHashMap<>();
    private final AtomicLong seen = new AtomicLong();
    private final CountDownLatch positioned = new CountDownLatch(1);
    private volatile boolean running = true;
    private KafkaAccess access = new KafkaAccess(null);
    private Thread thread;

    /** How log lines, the metric and readiness name this client. */
    static final String CLIENT = "live-events";

    /** On an unsecured broker (tests). */
    public LiveEvents(String eventsTopic, String bootstrapServers, String clientId) {
        this(eventsTopic, KafkaClientConfig.plaintext(bootstrapServers), clientId);
    }

    public LiveEvents(String eventsTopic, KafkaClientConfig kafka, String clientId) {
        this.topic = eventsTopic;
        Map<String, Object> c = TopicReaderConfig.fromStart(kafka);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        this.consumer = new KafkaConsumer<>(c);
    }

    /** Who hears of refused logins and missing ACLs (the gateway's readiness); the tail waits them out. */
    public LiveEvents watchedBy(KafkaAccess access) {
        this.access = access;
        return this;
    }

    public synchronized void start() {
        thread = new Thread(this, "ist-live-events");
        thread.setDaemon(true);
        thread.start();
    }

    /** Hears every event of {@code jobId} read from now on, on the tail's thread; the listener must not block long. */
    public void subscribe(String jobId, JobEventListener listener) {
        listeners.computeIfAbsent(jobId, id -> new CopyOnWriteArrayList<>()).add(listener);
    }

    public void unsubscribe(String jobId, JobEventListener listener) {
        listeners.computeIfPresent(jobId, (id, list) -> {
            list.remove(listener);
            return list.isEmpty() ? null : list;
        });
    }

    /** Counts the records read: changes whenever any job's state may have moved (what queue pushes watch). */
    public long seen() {
        return seen.get();
    }

    /** Whether the tail holds its position at the end of every partition (events from then on reach it). */
    public boolean awaitPositioned(long timeout, TimeUnit unit) throws InterruptedException {
        return positioned.await(timeout, unit);
    }

    @Override
    public void run() {
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            while (running && partitions.isEmpty()) {
                try {
                    for (PartitionInfo p : access.attempt(CLIENT, () -> consumer.partitionsFor(topic,
                            Duration.ofSeconds(5)), List.<PartitionInfo>of(), () -> running)) {
                        partitions.add(new TopicPartition(p.topic(), p.partition()));
                    }
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    LOG.warnf("waiting for Kafka to describe topic %s", topic);
                }
                if (partitions.isEmpty()) {
                    Thread.sleep(500);
                }
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // resolve the end now, not at the first poll
            positioned.countDown();
            while (running) {
                for (ConsumerRecord<String, byte[]> r : access.poll(CLIENT, consumer, Duration.ofMillis(500),
                        () -> running)) {
                    seen.incrementAndGet();
                    deliver(r);
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.errorf(e, "the live event tail stopped");
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void deliver(ConsumerRecord<String, byte[]> r) {
        List<JobEventListener> ls = r.key() == null ? null : listeners.get(r.key());
        if (ls == null || ls.isEmpty()) {
            return;
        }
        JobEvent e;
        try {
            e = JsonCodec.shared().decodeEvent(r.value());
        } catch (InvalidMessageException bad) {
            return; // the projector logs and counts it
        }
        for (JobEventListener l : ls) {
            try {
                l.onEvent(e);
            } catch (RuntimeException failed) {
                LOG.debugf("listener of job %s failed on seq %d: %s", e.jobId(), e.seq(), failed.toString());
            }
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        Thread t = thread;
        if (t != null) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
