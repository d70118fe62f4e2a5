package dev.ist.gateway.store;

import dev.ist.common.TopicReaderConfig;
import dev.ist.common.kafka.KafkaClientConfig;
import dev.ist.common.Topics;
import dev.ist.gateway.kafka.KafkaAccess;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Turns the jobs lanes of every pool, the events and the control topic into rows. A consumer group (replicas share
 * the partitions); each poll's records are applied in ONE database transaction together with the offsets they
 * advance to ({@code projector_offsets}), and on assignment the consumer seeks to those stored offsets, so a crash
 * at any point resumes exactly after the last committed record. Kafka's own commits are never used.
 *
 * <p>While the database is down the batch is rolled back, the partitions are rewound to the batch's first records
 * and the loop keeps polling (the group membership stays alive) until a retry succeeds. A record that cannot be
 * applied while the database is fine is logged once, counted and skipped (see {@link ProjectorBatch}).
 */
public final class JobProjector implements Runnable, AutoCloseable {

    /** How log lines, the metric and readiness name this client. */
    static final String CLIENT = "job-projector";

    private static final Logger LOG = Logger.getLogger(JobProjector.class);
    private static final Duration RETRY_EVERY = Duration.ofSeconds(1);

    private final Topics topics;
    private final Database db;
    private final ProjectorBatch batch;
    private final ProjectorMetrics metrics;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Set<TopicPartition> awaitingSeek = new HashSet<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean joined;
    private volatile boolean alive;
    private volatile Throwable failure;
    private Thread thread;
    private Runnable prepareTopics = () -> { };
    private KafkaAccess access = new KafkaAccess(null);

    /** On an unsecured broker with Kafka's default session timeout (tests, benches). */
    public JobProjector(Topics topics, Database db, JobProjection projection, ProjectorMetrics metrics,
                        String bootstrapServers, String groupId, String clientId) {
        this(topics, db, projection, metrics, KafkaClientConfig.plaintext(bootstrapServers), groupId, clientId,
                Duration.ofSeconds(45));
    }

    /**
     * @param sessionTimeout how long the group waits for a replica that stopped answering (killed, partitioned)
     *                       before another takes its partitions: the longest pause of projection after a crash
     */
    public JobProjector(Topics topics, Database db, JobProjection projection, ProjectorMetrics metrics,
                        KafkaClientConfig kafka, String groupId, String clientId, Duration sessionTimeout) {
        this.topics = topics;
        this.db = db;
        this.metrics = metrics;
        this.batch = new ProjectorBatch(topics, db, projection, metrics);
        Map<String, Object> c = TopicReaderConfig.fromStart(kafka);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) sessionTimeout.toMillis());
        c.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.max(500, sessionTimeout.toMillis() / 3));
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        // large polls: one transaction per poll, and a finished job's ticks coalesce within one (EventBatch)
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
        // new pools' topics are found by the subscription pattern within seconds
        c.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 5000);
        this.consumer = new KafkaConsumer<>(c);
    }

    /** Who hears of refused logins and missing ACLs (the gateway's readiness); the projector waits them out. */
    public JobProjector watchedBy(KafkaAccess access) {
        this.access = access;
        return this;
    }

    /** Work to do on the projector's thread before reading (creating missing topics); retried while it throws. */
    public JobProjector preparingTopicsWith(Runnable work) {
        this.prepareTopics = work;
        return this;
    }

    /** Every topic the projector reads: the lanes of the default pool and of every other pool, events, control. */
    Pattern subscription() {
        List<String> exact = new ArrayList<>(topics.jobLanes());
        exact.add(topics.events());
        exact.add(topics.control());
        StringBuilder p = new StringBuilder();
        for (String t : exact) {
            p.append(Pattern.quote(t)).append('|');
        }
        p.append(Pattern.quote(topics.jobs() + ".pool.")).append("[^.]+(\\.high|\\.low)?");
        return Pattern.compile(p.toString());
    }

    public synchronized void start() {
        thread = new Thread(this, "ist-job-projector");
        thread.setDaemon(true);
        thread.start();
    }

    public ProjectorMetrics metrics() {
        return metrics;
    }

    public boolean isAlive() {
        return alive && failure == null;
    }

    public Throwable failure() {
        return failure;
    }

    /** Whether this projector has once read to the end of its partitions (or holds none once in the group). */
    public boolean isCaughtUp() {
        return caughtUp.getCount() == 0;
    }

    public boolean awaitCaughtUp(long timeout, TimeUnit unit) throws InterruptedException {
        return caughtUp.await(timeout, unit);
    }

    @Override
    public void run() {
        alive = true;
        try {
            while (running) {
                try {
                    prepareTopics.run();
                    break;
                } catch (RuntimeException e) {
                    if (!access.waitOut(CLIENT, e, () -> running)) {
                        LOG.warnf("Kafka is not usable yet, retrying: %s", e.getMessage());
                        sleep(2000);
                    }
                }
            }
            consumer.subscribe(subscription(), new SeekToStoredOffsets());
            while (running) {
                seekAwaited();
                // a refused login or ACL: no records, live, not ready, and it heals once the broker allows it
                ConsumerRecords<String, byte[]> records = access.poll(CLIENT, consumer, Duration.ofMillis(500),
                        () -> running);
                if (!records.isEmpty() && !batch.apply(records)) {
                    rewind(records);
                    sleep(RETRY_EVERY.toMillis());
                }
                observeLag();
            }
        } catch (WakeupException e) {
            if (running) {
                failure = e;
            }
        } catch (RuntimeException e) {
            failure = e;
            LOG.errorf(e, "the job projector stopped");
        } finally {
            alive = false;
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** The batch was not committed: read its records again on the next poll. */
    private void rewind(ConsumerRecords<String, byte[]> records) {
        for (TopicPartition tp : records.partitions()) {
            if (consumer.assignment().contains(tp)) {
                consumer.seek(tp, records.records(tp).get(0).offset());
            }
        }
    }

    private void observeLag() {
        long lag = 0;
        boolean known = true;
        Set<TopicPartition> assigned = consumer.assignment();
        for (TopicPartition tp : assigned) {
            var l = consumer.currentLag(tp);
            if (l.isPresent()) {
                lag += l.getAsLong();
            } else {
                known = false;
            }
        }
        metrics.lag(lag);
        if (joined && known && lag == 0 && awaitingSeek.isEmpty() && caughtUp.getCount() > 0) {
            LOG.infof("job projector caught up on %d partitions", assigned.size());
            caughtUp.countDown();
        }
    }

    /** Seeks partitions whose stored offsets could not be read at assignment (the database was down). */
    private void seekAwaited() {
        if (awaitingSeek.isEmpty()) {
            return;
        }
        try {
            Set<TopicPartition> todo = new HashSet<>(awaitingSeek);
            todo.retainAll(consumer.assignment());
            seekToStored(todo);
            consumer.resume(todo);
            awaitingSeek.clear();
        } catch (JobStoreUnavailableException e) {
            sleep(RETRY_EVERY.toMillis());
        }
    }

    private void seekToStored(Collection<TopicPartition> partitions) {
        Map<TopicPartition, Long> stored = db.read(c -> ProjectorOffsets.read(c, partitions));
        List<TopicPartition> fresh = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            Long next = stored.get(tp);
            if (next == null) {
                fresh.add(tp);
            } else {
                consumer.seek(tp, next);
            }
        }
        if (!fresh.isEmpty()) {
            consumer.seekToBeginning(fresh); // an empty list would mean every assigned partition
        }
    }

    private final class SeekToStoredOffsets implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            joined = true;
            if (partitions.isEmpty()) {
                return;
            }
            try {
                seekToStored(partitions);
            } catch (JobStoreUnavailableException e) {
                LOG.warnf("stored offsets unreadable (%s); the new partitions wait for the database", e.getMessage());
                consumer.pause(partitions);
                awaitingSeek.addAll(partitions);
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // nothing to commit: every applied record's offset was committed with its rows
            awaitingSeek.removeAll(partitions);
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
        Thread t = thread;
        if (t == null) {
            consumer.close(Duration.ofSeconds(2));
            return;
        }
        consumer.wakeup();
        try {
            t.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
