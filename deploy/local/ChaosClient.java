import dev.ist.common.codec.InvalidMessageException;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.DeadLetter;
import dev.ist.common.event.EventType;
import dev.ist.common.event.JobEvent;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.JobRequest;
import dev.ist.common.job.Optimizer;
import dev.ist.common.job.StyleRef;
import dev.ist.common.storage.ImageStore;
import dev.ist.common.storage.StorageConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The client side of deploy/local/chaos-test.sh, run with the worker's classpath: puts jobs and the poison set
 * straight onto the jobs topic, mirrors the events topic into a file the script polls, and verifies the end state
 * from the topics and the bucket themselves (not from a service's view of them).
 *
 * <pre>
 *   submit N SIZE ITERATIONS   upload two small images, produce N jobs, print their ids
 *   poison                     produce the poison set (non-JSON, newer version, wrong types, 900 kB junk), print partition:offset
 *   watch FILE                 append "jobId TYPE workerId" for every event on the events topic (runs until killed)
 *   verify JOBS_FILE POISON_FILE   one terminal event per job, all SUCCEEDED, results decode; every poison record dead-lettered
 * </pre>
 * Kafka and S3 come from IST_KAFKA_BOOTSTRAP_SERVERS, IST_S3_ENDPOINT, IST_S3_ACCESS_KEY, IST_S3_SECRET_KEY (bucket ist).
 */
public final class ChaosClient {

    private static final String JOBS = "ist.jobs";
    private static final String EVENTS = "ist.events";
    private static final String DLQ = "ist.jobs.dlq";
    private static final JsonCodec CODEC = JsonCodec.shared();

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "submit" -> submit(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "poison" -> poison();
            case "watch" -> watch(Path.of(args[1]));
            case "verify" -> System.exit(verify(Path.of(args[1]), Path.of(args[2])));
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    private static String env(String name) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException(name + " is not set");
        }
        return v;
    }

    private static ImageStore store() {
        return new ImageStore(StorageConfig.of(env("IST_S3_ENDPOINT"), env("IST_S3_ACCESS_KEY"),
                env("IST_S3_SECRET_KEY"), "ist"));
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, env("IST_KAFKA_BOOTSTRAP_SERVERS"));
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(c);
    }

    private static KafkaConsumer<byte[], byte[]> reader() {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, env("IST_KAFKA_BOOTSTRAP_SERVERS"));
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return new KafkaConsumer<>(c);
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static BufferedImage pattern(int w, int h, long seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(seed);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, ((x * 255 / w) << 16) | ((y * 255 / h) << 8) | r.nextInt(256));
            }
        }
        return img;
    }

    private static void submit(int n, int size, int iterations) throws Exception {
        byte[] content = png(pattern(96, 72, 1));
        byte[] style = png(pattern(48, 48, 2));
        try (ImageStore store = store(); KafkaProducer<byte[], byte[]> producer = producer()) {
            store.putContentAddressed(content, "image/png");
            store.putContentAddressed(style, "image/png");
            ImageRef c = new ImageRef(ImageStore.sha256Hex(content));
            ImageRef s = new ImageRef(ImageStore.sha256Hex(style));
            // Adam runs every iteration (no early convergence stop), so a job lasts long enough to be interrupted
            JobOptions options = JobOptions.builder().size(size).iterations(iterations).optimizer(Optimizer.ADAM)
                    .learningRate(0.02).seed(7).build();
            for (int i = 0; i < n; i++) {
                JobRequest job = JobRequest.of(UUID.randomUUID().toString(), Instant.now(), c,
                        List.of(new StyleRef(s, 1.0)), options, "chaos");
                producer.send(new ProducerRecord<>(JOBS, job.jobId().getBytes(StandardCharsets.UTF_8),
                        CODEC.encode(job))).get(30, TimeUnit.SECONDS);
                System.out.println(job.jobId());
            }
        }
    }

    private static void poison() throws Exception {
        byte[] junk = new byte[900 * 1024];
        new Random(9).nextBytes(junk);
        List<byte[]> set = List.of(
                "{this is not json".getBytes(StandardCharsets.UTF_8),
                ("{\"v\":99,\"jobId\":\"" + UUID.randomUUID() + "\"}").getBytes(StandardCharsets.UTF_8),
                ("{\"v\":1,\"jobId\":42,\"options\":\"big\",\"styles\":7}").getBytes(StandardCharsets.UTF_8),
                junk);
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (byte[] value : set) {
                RecordMetadata m = producer.send(new ProducerRecord<>(JOBS, null, value)).get(30, TimeUnit.SECONDS);
                System.out.println(m.partition() + ":" + m.offset() + " " + value.length);
            }
        }
    }

    private static void watch(Path file) throws Exception {
        try (KafkaConsumer<byte[], byte[]> consumer = reader();
             PrintWriter out = new PrintWriter(new FileWriter(file.toFile(), StandardCharsets.UTF_8, true), true)) {
            List<TopicPartition> partitions = new ArrayList<>();
            while (partitions.isEmpty()) {
                consumer.partitionsFor(EVENTS, Duration.ofSeconds(30))
                        .forEach(p -> partitions.add(new TopicPartition(EVENTS, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (true) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        JobEvent e = CODEC.decodeEvent(r.value());
                        out.println(e.jobId() + " " + e.type() + " " + e.workerId()
                                + (e.progress() == null ? "" : " " + e.progress().iteration()));
                    } catch (InvalidMessageException e) {
                        out.println("UNDECODABLE " + r.partition() + ":" + r.offset());
                    }
                }
            }
        }
    }

    /** Everything on {@code topic} up to its current end. */
    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = reader()) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within 60 s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(all::add);
            }
        }
        return all;
    }

    private static int verify(Path jobsFile, Path poisonFile) throws Exception {
        List<String> jobs = Files.readAllLines(jobsFile).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        Set<String> poison = new java.util.HashSet<>();
        for (String line : Files.readAllLines(poisonFile)) {
            if (!line.isBlank()) {
                poison.add(line.trim().split(" ")[0]);
            }
        }
        Map<String, List<JobEvent>> terminals = new LinkedHashMap<>();
        jobs.forEach(j -> terminals.put(j, new ArrayList<>()));
        int events = 0;
        for (ConsumerRecord<byte[], byte[]> r : readAll(EVENTS)) {
            events++;
            JobEvent e = CODEC.decodeEvent(r.value());
            if (e.isTerminal() && terminals.containsKey(e.jobId())) {
                terminals.get(e.jobId()).add(e);
            }
        }
        int failures = 0;
        Map<String, Integer> byType = new TreeMap<>();
        int intact = 0;
        try (ImageStore store = store()) {
            for (Map.Entry<String, List<JobEvent>> job : terminals.entrySet()) {
                List<JobEvent> ts = job.getValue();
                ts.forEach(t -> byType.merge(t.type().name(), 1, Integer::sum));
                if (ts.size() != 1) {
                    failures++;
                    System.out.println("FAIL job " + job.getKey() + ": " + ts.size() + " terminal events " + ts);
                    continue;
                }
                JobEvent t = ts.get(0);
                if (t.type() != EventType.SUCCEEDED) {
                    failures++;
                    System.out.println("FAIL job " + job.getKey() + " ended " + t.type() + " " + t.failure());
                    continue;
                }
                BufferedImage img = ImageIO.read(new ByteArrayInputStream(store.get(t.resultKey())));
                if (img == null || img.getWidth() < 1) {
                    failures++;
                    System.out.println("FAIL job " + job.getKey() + ": result " + t.resultKey() + " does not decode");
                } else {
                    intact++;
                }
            }
        }
        Set<String> lettered = new java.util.HashSet<>();
        int letters = 0;
        for (ConsumerRecord<byte[], byte[]> r : readAll(DLQ)) {
            letters++;
            DeadLetter d = CODEC.decodeDeadLetter(r.value());
            if (JOBS.equals(d.sourceTopic())) {
                lettered.add(d.sourceId());
            }
        }
        Set<String> missing = new java.util.TreeSet<>(poison);
        missing.removeAll(lettered);
        if (!missing.isEmpty()) {
            failures++;
            System.out.println("FAIL poison records not on the DLQ: " + missing);
        }
        System.out.println("chaos counts: jobs " + jobs.size() + ", terminal events by type " + byType
                + ", jobs with exactly one terminal event " + terminals.values().stream().filter(l -> l.size() == 1)
                .count() + ", results intact " + intact + ", poison records " + poison.size() + ", dead-lettered "
                + (poison.size() - missing.size()) + " (DLQ letters in all " + letters + "), events read " + events);
        return failures == 0 ? 0 : 1;
    }
}
