package dev.ist.gateway.support;

import dev.ist.common.ObjectKeys;
import dev.ist.common.Topics;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.ControlMessage;
import dev.ist.common.event.JobEvent;
import dev.ist.common.event.Losses;
import dev.ist.common.event.Progress;
import dev.ist.common.job.JobRequest;
import dev.ist.common.storage.ImageStore;
import dev.ist.testkit.TestImages;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Stands in for the worker fleet (the real worker is tested in its own module): reads the real jobs topic and
 * publishes real events for each job, RUNNING, a PROGRESS tick per step with a preview object in S3, and SUCCEEDED
 * with a result object in S3, or CANCELLED when a cancel for the job arrives on the control topic.
 *
 * <p>Pacing from the options: {@code iterations / 10} ticks (1 to 10) of {@value #STEP_MS} ms; with 1000 or more
 * iterations a slow job of 300 ticks (for cancel tests). Jobs of the owners {@code bench}, {@code limited},
 * {@code limited2}, {@code queued} and {@code lanes} are left queued (a deadline ends them; any cancel ends a
 * {@code lanes} job), and so is any job with {@code seed} {@value #LEFT_QUEUED_SEED} (the page test's queued job),
 * until it is cancelled. It reads every priority lane's topic. SUCCEEDED reports the network as a worker does: a
 * seeded random one, as tests run.
 */
public final class WorkerStandIn implements AutoCloseable {

    static final long STEP_MS = 120;
    /** A job with this seed stays queued until a cancel for it arrives (then CANCELLED). */
    public static final long LEFT_QUEUED_SEED = 4242;
    /** What the stand-in reports as its network: a seeded random one, like the workers of the tests. */
    public static final dev.ist.common.event.NetworkInfo NETWORK = dev.ist.common.event.NetworkInfo.of(
            "random(seed=7,channels=stand-in)", ImageStore.sha256Hex("stand-in".getBytes()));
    public static final String WORKER_ID = "stand-in-1";
    /** The consumer group the stand-in reads the jobs lanes in. */
    public static final String GROUP = "ist-workers-stand-in";

    private final String bootstrap;
    private final Map<String, String> login;
    private final Topics topics;
    private final ImageStore store;
    private final KafkaProducer<String, byte[]> producer;
    private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
    private final Set<String> taken = ConcurrentHashMap.newKeySet();
    private final Map<String, JobRequest> leftQueued = new ConcurrentHashMap<>();
    private final Map<String, JobRequest> heldBySeed = new ConcurrentHashMap<>();
    private final ExecutorService jobs = Executors.newFixedThreadPool(4, r -> daemon(r, "stand-in-job"));
    private final JsonCodec codec = JsonCodec.shared();
    private volatile boolean running = true;
    private KafkaConsumer<String, byte[]> jobConsumer;
    private KafkaConsumer<String, byte[]> controlConsumer;
    private Thread jobThread;
    private Thread controlThread;

    public WorkerStandIn(String bootstrap, Topics topics, ImageStore store) {
        this(bootstrap, Map.of(), topics, store);
    }

    /** @param login the client settings a worker logs in with on a secured broker (empty on a plain one) */
    public WorkerStandIn(String bootstrap, Map<String, String> login, Topics topics, ImageStore store) {
        this.bootstrap = bootstrap;
        this.login = Map.copyOf(login);
        this.topics = topics;
        this.store = store;
        Map<String, Object> p = new java.util.HashMap<>(login);
        p.putAll(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
        this.producer = new KafkaProducer<>(p);
    }

    /** A job that finished before this worker started (a real worker checks the events; the stand-in is told). */
    public void alreadyFinished(String jobId) {
        taken.add(jobId);
    }

    public void start() {
        jobConsumer = consumer(GROUP);
        controlConsumer = consumer(null);
        jobConsumer.subscribe(topics.jobLanes());
        List<TopicPartition> control = controlConsumer.partitionsFor(topics.control()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        controlConsumer.assign(control);
        controlConsumer.seekToBeginning(control);
        jobThread = daemon(this::readJobs, "stand-in-jobs");
        controlThread = daemon(this::readControl, "stand-in-control");
        jobThread.start();
        controlThread.start();
    }

    private KafkaConsumer<String, byte[]> consumer(String group) {
        Map<String, Object> c = new java.util.HashMap<>(login);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        if (group != null) {
            c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, group != null);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return new KafkaConsumer<>(c);
    }

    private void readJobs() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> r : jobConsumer.poll(Duration.ofMillis(100))) {
                    JobRequest request = codec.decodeRequest(r.value());
                    if (!taken.add(request.jobId())) {
                        continue;
                    }
                    if (request.options().seed() == LEFT_QUEUED_SEED) {
                        heldBySeed.put(request.jobId(), request);
                    } else if (!"bench".equals(request.owner()) && !"limited".equals(request.owner())
                            && !"limited2".equals(request.owner()) && !"queued".equals(request.owner())
                            && !"lanes".equals(request.owner())) {
                        jobs.submit(() -> run(request));
                    } else {
                        leftQueued.put(request.jobId(), request);
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (Exception e) {
            System.err.println("worker stand-in stopped reading jobs: " + e);
        } finally {
            jobConsumer.close();
        }
    }

    private void readControl() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> r : controlConsumer.poll(Duration.ofMillis(100))) {
                    ControlMessage m = codec.decodeControl(r.value());
                    cancelled.add(m.jobId());
                    JobRequest seedHeld = heldBySeed.remove(m.jobId());
                    if (seedHeld != null) {
                        publish(JobEvent.cancelled(seedHeld.jobId(), 1, Instant.now(), WORKER_ID,
                                "cancelled by the user"));
                    }
                    // a deadline reaches even a job left queued, as a real worker would reach it in the end
                    // (and any cancel reaches the lanes key's queued jobs: they end, as jobs ahead in a queue do)
                    JobRequest waiting = leftQueued.get(m.jobId());
                    boolean ends = waiting != null && (JobRequest.DEADLINE_REASON.equals(m.requestedBy())
                            || "lanes".equals(waiting.owner()));
                    JobRequest held = ends ? leftQueued.remove(m.jobId()) : null;
                    if (held != null) {
                        publish(JobEvent.cancelled(held.jobId(), 1, Instant.now(), WORKER_ID,
                                JobRequest.DEADLINE_REASON.equals(m.requestedBy()) ? JobRequest.DEADLINE_REASON
                                        : "cancelled by the user"));
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (Exception e) {
            System.err.println("worker stand-in stopped reading control: " + e);
        } finally {
            controlConsumer.close();
        }
    }

    private void run(JobRequest request) {
        String id = request.jobId();
        long seq = 1;
        try {
            Instant started = Instant.now();
            long queueWait = Duration.between(request.submittedAt(), started).toMillis();
            if (request.pastDeadline(started)) { // as the worker's admission does
                publish(JobEvent.cancelled(id, seq, Instant.now(), WORKER_ID, JobRequest.DEADLINE_REASON));
                return;
            }
            if (cancelled.contains(id)) {
                publish(JobEvent.cancelled(id, seq, Instant.now(), WORKER_ID, "cancelled before it started"));
                return;
            }
            publish(JobEvent.running(id, seq++, started, WORKER_ID, Map.of("queueWait", queueWait)));
            int iterations = request.options().iterations();
            int ticks = iterations >= 1000 ? 300 : Math.max(1, Math.min(10, iterations / 10));
            int size = request.options().size();
            for (int k = 1; k <= ticks; k++) {
                Thread.sleep(STEP_MS);
                if (cancelled.contains(id)) {
                    publish(JobEvent.cancelled(id, seq, Instant.now(), WORKER_ID,
                            request.pastDeadline(Instant.now()) ? JobRequest.DEADLINE_REASON : "cancelled by the user"));
                    return;
                }
                int iteration = (int) ((long) iterations * k / ticks);
                String previewKey = ObjectKeys.preview(id, iteration);
                store.put(previewKey, TestImages.jpeg(TestImages.noise(48, 32, k), 0.8f), "image/jpeg");
                double content = 100.0 / k;
                double style = 1000.0 / (k * k);
                Progress p = new Progress(iteration, iterations, 0, 1, size, size * 2 / 3,
                        new Losses(content, style, 0, content + style),
                        Duration.between(started, Instant.now()).toMillis(), previewKey);
                publish(JobEvent.progress(id, seq++, Instant.now(), WORKER_ID, p));
            }
            String resultKey = ObjectKeys.result(id, "png");
            store.put(resultKey, "photos".equals(request.owner()) ? decodedContent(request) : resultImage(),
                    "image/png");
            long total = Duration.between(started, Instant.now()).toMillis();
            publish(JobEvent.succeeded(id, seq, Instant.now(), WORKER_ID, null, resultKey, null,
                    Map.of("queueWait", queueWait, "optimise", total, "total", total)).withNetwork(NETWORK));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            System.err.println("worker stand-in failed job " + id + ": " + e);
        }
    }

    /**
     * For the owner {@code photos}: the content as the worker runtime reads it (the shared decoder of common/image,
     * with its orientation and colour handling), so a test can see what a worker would get.
     */
    private byte[] decodedContent(JobRequest request) throws Exception {
        byte[] bytes = store.get(request.content().key());
        return TestImages.png(new dev.ist.common.image.ImageInspector(Long.MAX_VALUE, Long.MAX_VALUE).decode(bytes));
    }

    /** The bytes the stand-in stores as every job's result. */
    public static byte[] resultImage() {
        return TestImages.checkerboardPng(64, 48, 8);
    }

    private void publish(JobEvent e) throws Exception {
        producer.send(new ProducerRecord<>(topics.events(), e.jobId(), codec.encode(e))).get();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() {
        running = false;
        jobs.shutdownNow();
        try {
            jobThread.join(3000);
            controlThread.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(2));
        store.close();
    }
}
