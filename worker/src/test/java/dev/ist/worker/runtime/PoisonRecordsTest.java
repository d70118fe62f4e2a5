package dev.ist.worker.runtime;

import dev.ist.common.event.DeadLetter;
import dev.ist.common.event.ErrorCode;
import dev.ist.common.event.EventType;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.JobRequest;
import dev.ist.common.storage.ImageStore;
import dev.ist.testkit.TestImages;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The poison set of the fleet issue produced straight onto one partition of the jobs topic, in front of a real job:
 * every poison record ends on the dead-letter topic as a bounded letter (excerpt + size + SHA-256), and the job
 * behind them on the same partition still runs. The jobs topic takes records up to 3 MB, so a 1.5 MB record (above
 * the worker producer's 1 MB {@code max.request.size}, which is what the old whole-payload letter ran into) is there.
 */
class PoisonRecordsTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int PARTITION = 0;

    private static WorkerHarness h;
    private static ImageRef content;
    private static ImageRef style;

    @BeforeAll
    static void start() throws Exception {
        h = new WorkerHarness("poison");
        allowLargeRecords(h.topics.jobs(), 3 << 20);
        content = h.upload(TestImages.gradientPng(40, 30));
        style = h.upload(TestImages.checkerboardPng(24, 24, 4));
        h.startWorker("poison-worker");
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    static void allowLargeRecords(String topic, int bytes) throws Exception {
        h.broker.admin().incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic),
                List.of(new AlterConfigOp(new ConfigEntry("max.message.bytes", Integer.toString(bytes)),
                        AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
    }

    /** Raw bytes for key and value, so a key can be invalid UTF-8 too. */
    private static KafkaProducer<byte[], byte[]> rawProducer() {
        Map<String, Object> c = h.broker.clientConfig();
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 << 20);
        c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(c);
    }

    @Test
    void everyPoisonRecordIsDeadLetteredBoundedAndTheJobBehindThemRuns() throws Exception {
        Random random = new Random(12);
        byte[] junk900k = new byte[900 * 1024];
        random.nextBytes(junk900k);
        byte[] junk1500k = new byte[1500 * 1024];
        random.nextBytes(junk1500k);
        String newerVersionJob = UUID.randomUUID().toString();
        String nullValueJob = UUID.randomUUID().toString();
        Map<String, byte[][]> poison = new LinkedHashMap<>(); // name -> {key, value}
        poison.put("non-UTF-8 value, null key", new byte[][]{null, {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, 0x00}});
        poison.put("non-UTF-8 key", new byte[][]{{(byte) 0xFE, (byte) 0xFF, 0x41}, "{\"v\":1}".getBytes()});
        poison.put("null value", new byte[][]{nullValueJob.getBytes(), null});
        poison.put("newer schema version", new byte[][]{newerVersionJob.getBytes(),
                ("{\"v\":99,\"jobId\":\"" + newerVersionJob + "\"}").getBytes(StandardCharsets.UTF_8)});
        poison.put("900 kB junk", new byte[][]{null, junk900k});
        poison.put("1.5 MB junk", new byte[][]{UUID.randomUUID().toString().getBytes(), junk1500k});

        Map<Long, byte[]> valueAtOffset = new LinkedHashMap<>();
        try (KafkaProducer<byte[], byte[]> raw = rawProducer()) {
            for (byte[][] kv : poison.values()) {
                long offset = raw.send(new ProducerRecord<>(h.topics.jobs(), PARTITION, kv[0], kv[1]))
                        .get(30, TimeUnit.SECONDS).offset();
                valueAtOffset.put(offset, kv[1]);
            }
        }
        JobRequest behind = h.request(WorkerHarness.jobIdOnPartition(PARTITION, 3), content, style,
                WorkerHarness.tinyOptions(32, 3).build());
        var sent = h.submit(behind);
        assertEquals(PARTITION, sent.partition());
        long behindOffset = sent.offset();

        assertEquals(EventType.SUCCEEDED, h.awaitTerminal(behind.jobId(), WAIT).type());
        WorkerHarness.await("a dead letter per poison record", WAIT, () -> valueAtOffset.keySet().stream()
                .allMatch(o -> letterAt(o) != null));
        for (Map.Entry<Long, byte[]> e : valueAtOffset.entrySet()) {
            DeadLetter letter = letterAt(e.getKey());
            byte[] value = e.getValue();
            byte[] excerpt = Base64.getDecoder().decode(letter.payloadBase64());
            assertTrue(excerpt.length <= DeadLetter.EXCERPT_BYTES, "excerpt bounded: " + excerpt.length);
            if (value == null) {
                assertEquals(0, letter.payloadBytes());
                assertEquals(0, excerpt.length);
                // DeadLetter.of(..., null) leaves the hash out; today's runner hands the letter an empty array
                String sha = letter.payloadSha256();
                assertTrue(sha == null || sha.equals(ImageStore.sha256Hex(new byte[0])), sha);
            } else {
                assertEquals(value.length, letter.payloadBytes());
                assertEquals(ImageStore.sha256Hex(value), letter.payloadSha256());
                assertTrue(Arrays.equals(Arrays.copyOf(value, Math.min(value.length, DeadLetter.EXCERPT_BYTES)),
                        excerpt));
                assertEquals(value.length > DeadLetter.EXCERPT_BYTES, letter.truncated());
            }
            assertEquals(h.topics.jobs(), letter.sourceTopic());
            assertEquals(PARTITION, letter.partition());
        }
        assertEquals(ErrorCode.UNSUPPORTED_VERSION, h.deadLetters.stream()
                .filter(d -> newerVersionJob.equals(d.jobId())).findFirst().orElseThrow().code());
        assertEquals(EventType.FAILED, h.awaitTerminal(nullValueJob, WAIT).type());
        WorkerHarness.await("the partition committed past the job behind the poison", WAIT,
                () -> h.committedOffset(PARTITION) > behindOffset);
    }

    private static DeadLetter letterAt(long offset) {
        return h.deadLetters.stream().filter(d -> d.partition() == PARTITION && d.offset() == offset
                && h.topics.jobs().equals(d.sourceTopic())).findFirst().orElse(null);
    }
}
