package dev.ist.gateway.view;

import dev.ist.common.Topics;
import dev.ist.common.capacity.JobForwards;
import dev.ist.common.capacity.WorkerPool;
import dev.ist.common.codec.InvalidMessageException;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.TopicReaderConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the jobs topics (every priority lane of every worker pool), events and control topics from the beginning into a {@link JobView}. It assigns every partition
 * itself (no consumer group, no committed offsets): each gateway instance always sees everything, which is what
 * makes replicas agree and restarts lossless. Undecodable records are logged and skipped, never fatal.
 */
public final class JobViewFeeder implements Runnable, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(JobViewFeeder.class);

    private final JobView view;
    private static final Duration POOL_TOPICS_EVERY = Duration.ofSeconds(5);
    private final Topics topics;
    private final KafkaConsumer<String, byte[]> consumer;
    private final JsonCodec codec = JsonCodec.shared();
    private volatile boolean running = true;
    private volatile boolean alive;
    private volatile Throwable failure;
    private Thread thread;
    private Runnable prepareTopics = () -> { };

    public JobViewFeeder(JobView view, Topics topics, String bootstrapServers, String clientId) {
        this.view = view;
        this.topics = topics;
        Map<String, Object> c = TopicReaderConfig.fromStart(bootstrapServers);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        this.consumer = new KafkaConsumer<>(c);
    }

    /**
     * Work to do before reading, on the feeder's thread (e.g. creating missing topics); retried every two seconds
     * while it throws, so a gateway started before Kafka simply stays unready until Kafka is there.
     */
    public JobViewFeeder preparingTopicsWith(Runnable work) {
        this.prepareTopics = work;
        return this;
    }

    public synchronized void start() {
        thread = new Thread(this, "ist-job-view-feeder");
        thread.setDaemon(true);
        thread.start();
    }

    public boolean isAlive() {
        return alive && failure == null;
    }

    public Throwable failure() {
        return failure;
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
                    LOG.warnf("Kafka is not usable yet, retrying: %s", e.getMessage());
                    sleep(2000);
                }
            }
            List<TopicPartition> partitions = awaitPartitions();
            if (partitions == null) {
                return;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> target = consumer.endOffsets(partitions);
            checkCaughtUp(target);
            long poolsCheckedAt = System.nanoTime();
            while (running) {
                if (System.nanoTime() - poolsCheckedAt > POOL_TOPICS_EVERY.toNanos()) {
                    poolsCheckedAt = System.nanoTime();
                    addNewPoolTopics();
                }
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<String, byte[]> r : records) {
                    applyRecord(r);
                }
                if (!view.isCaughtUp()) {
                    checkCaughtUp(target);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                failure = e;
            }
        } catch (RuntimeException e) {
            failure = e;
            LOG.errorf("the job view stopped reading Kafka: %s", e.toString());
        } finally {
            alive = false;
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private List<TopicPartition> awaitPartitions() {
        List<TopicPartition> all = new ArrayList<>();
        List<String> read = new ArrayList<>(topics.jobLanes());
        read.addAll(poolTopics(java.util.Set.of()));
        read.add(topics.events());
        read.add(topics.control());
        for (String topic : read) {
            List<PartitionInfo> infos = List.of();
            while (running) {
                try {
                    infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    LOG.warnf("waiting for Kafka to describe topic %s", topic);
                }
                if (infos != null && !infos.isEmpty()) {
                    break;
                }
                sleep(500);
            }
            if (!running) {
                return null;
            }
            for (PartitionInfo p : infos) {
                all.add(new TopicPartition(p.topic(), p.partition()));
            }
        }
        return all;
    }

    /**
     * The jobs topics of worker pools other than the default one ({@code <jobs>.pool.<name>} and its lanes) that exist
     * now and are not in {@code known}. Pools come and go with the workers, so the feeder looks again every
     * {@link #POOL_TOPICS_EVERY} and reads a new pool's topics from their start.
     */
    private List<String> poolTopics(java.util.Set<String> known) {
        try {
            return consumer.listTopics(Duration.ofSeconds(5)).keySet().stream()
                    .filter(t -> isPoolJobsTopic(t) && !known.contains(t)).sorted().toList();
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            LOG.warnf("could not list topics to find worker pools: %s", e.getMessage());
            return List.of();
        }
    }

    private void addNewPoolTopics() {
        java.util.Set<String> known = new java.util.HashSet<>();
        consumer.assignment().forEach(tp -> known.add(tp.topic()));
        List<String> fresh = poolTopics(known);
        if (fresh.isEmpty()) {
            return;
        }
        List<TopicPartition> added = new ArrayList<>();
        for (String topic : fresh) {
            for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(5))) {
                added.add(new TopicPartition(p.topic(), p.partition()));
            }
        }
        List<TopicPartition> all = new ArrayList<>(consumer.assignment());
        all.addAll(added);
        consumer.assign(all);
        consumer.seekToBeginning(added);
        LOG.infof("job view reads the topics of a new worker pool: %s", fresh);
    }

    /** Whether {@code topic} is a lane of a pool other than the default one. */
    boolean isPoolJobsTopic(String topic) {
        String pool = topics.poolOfJobsTopic(topic);
        return pool != null && !WorkerPool.isDefault(pool);
    }

    private void checkCaughtUp(Map<TopicPartition, Long> target) {
        for (Map.Entry<TopicPartition, Long> t : target.entrySet()) {
            if (consumer.position(t.getKey()) < t.getValue()) {
                return;
            }
        }
        if (!view.isCaughtUp()) {
            LOG.infof("job view caught up with %d jobs", view.size());
            view.markCaughtUp();
        }
    }

    private void applyRecord(ConsumerRecord<String, byte[]> r) {
        try {
            if (r.topic().equals(topics.events())) {
                view.apply(codec.decodeEvent(r.value()));
            } else if (topics.isJobsTopic(r.topic()) || isPoolJobsTopic(r.topic())) {
                org.apache.kafka.common.header.Header forwards = r.headers().lastHeader(JobForwards.HEADER);
                view.apply(codec.decodeRequest(r.value()), forwards == null ? 0 : JobForwards.parse(forwards.value()));
            } else if (r.topic().equals(topics.control())) {
                view.apply(codec.decodeControl(r.value()));
            }
        } catch (InvalidMessageException e) {
            LOG.warnf("skipping an undecodable record at %s-%d@%d: %s", r.topic(), r.partition(), r.offset(),
                    e.getMessage());
        } catch (RuntimeException e) {
            LOG.warnf("skipping a record at %s-%d@%d that could not be applied: %s", r.topic(), r.partition(),
                    r.offset(), e.toString());
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
        {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
