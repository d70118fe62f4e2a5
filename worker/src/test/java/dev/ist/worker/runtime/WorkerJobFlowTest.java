package dev.ist.worker.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ist.common.ObjectKeys;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.EventType;
import dev.ist.common.event.JobEvent;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.JobRequest;
import dev.ist.common.job.OutputFormat;
import dev.ist.testkit.TestImages;
import dev.ist.common.event.DeadLetter;
import dev.ist.common.event.ErrorCode;
import dev.ist.common.job.Optimizer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One worker, jobs end to end over a real broker and a real S3 server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkerJobFlowTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private WorkerHarness h;
    private Worker worker;
    private ImageRef content;
    private ImageRef style;

    @BeforeAll
    void start() {
        h = new WorkerHarness("flow");
        worker = h.startWorker("flow-worker");
        content = h.upload(TestImages.gradientPng(48, 36));
        style = h.upload(TestImages.checkerboardPng(32, 32, 4));
    }

    @AfterAll
    void stop() {
        h.close();
    }

    @Test
    @Order(1)
    void publishedJobEndsInSucceededWithResultOfRequestedSizeAndManifest() throws Exception {
        JobRequest job = h.request(content, style, WorkerHarness.tinyOptions(40, 25).build());
        h.submit(job);

        JobEvent done = h.awaitTerminal(job.jobId(), WAIT);
        assertEquals(EventType.SUCCEEDED, done.type(), () -> "events: " + h.events(job.jobId()));
        List<JobEvent> events = h.events(job.jobId());
        assertEquals(EventType.RUNNING, events.get(0).type());
        assertEquals(done, events.get(events.size() - 1));
        for (int i = 1; i < events.size(); i++) {
            assertTrue(events.get(i).seq() > events.get(i - 1).seq(), "seq grows: " + events);
        }
        assertTrue(WorkerHarness.count(events, EventType.PROGRESS) >= 2, "progress events: " + events);
        assertEquals(25, done.progress().iteration());

        BufferedImage result = TestImages.decode(h.store.get(done.resultKey()));
        assertEquals(40, result.getWidth());
        assertEquals(30, result.getHeight());
        assertEquals(ObjectKeys.result(job.jobId(), "png"), done.resultKey());

        JsonNode manifest = JsonCodec.shared().mapper().readTree(h.store.get(done.manifestKey()));
        assertEquals(job.jobId(), manifest.get("jobId").asText());
        assertEquals(42, manifest.get("seed").asLong());
        assertTrue(manifest.get("weights").get("sha256").asText().length() == 64);
        assertEquals("FP32", manifest.get("weights").get("precision").asText(), "a job naming no precision: the"
                + " harness engine's default");
        // the SUCCEEDED event reports the manifest's network; the harness runs a seeded random one
        assertEquals(manifest.get("weights").get("description").asText(), done.network().weights());
        assertEquals(manifest.get("weights").get("sha256").asText(), done.network().sha256());
        assertTrue(done.network().random(), "a seeded random network is reported as random: " + done.network());
        for (String phase : List.of("queueWait", "fetch", "targets", "optimise", "store", "total")) {
            assertNotNull(manifest.get("timingsMs").get(phase), "manifest timing " + phase);
            assertNotNull(done.timingsMs().get(phase), "event timing " + phase);
        }
        assertTrue(manifest.get("versions").get("djl").asText().startsWith("0."));
        assertTrue(h.store.exists(ObjectKeys.preview(job.jobId(), 10)), "preview at iteration 10");
        assertTrue(events.stream().anyMatch(e -> e.progress() != null
                && ObjectKeys.preview(job.jobId(), 10).equals(e.progress().previewKey())), "preview announced");
        assertTrue(!h.store.exists(ObjectKeys.checkpoint(job.jobId())), "checkpoint removed after success");
    }

    @Test
    void twoJobsWithTheSameInputsAndOptionsStoreTheSameBytes() {
        // the second one takes its style targets from the worker's cache: a hit must give what a miss gave
        JobRequest first = h.request(content, style, WorkerHarness.tinyOptions(40, 12).build());
        JobRequest second = h.request(content, style, WorkerHarness.tinyOptions(40, 12).build());
        h.submit(first);
        JobEvent a = h.awaitTerminal(first.jobId(), WAIT);
        h.submit(second);
        JobEvent b = h.awaitTerminal(second.jobId(), WAIT);
        assertEquals(EventType.SUCCEEDED, a.type(), () -> "events: " + h.events(first.jobId()));
        assertEquals(EventType.SUCCEEDED, b.type(), () -> "events: " + h.events(second.jobId()));
        assertEquals(a.progress().losses(), b.progress().losses(), "final losses");
        assertArrayEquals(h.store.get(a.resultKey()), h.store.get(b.resultKey()), "result bytes");
    }

    @Test
    void jpegResultIsStoredAsJpeg() {
        JobRequest job = h.request(content, style,
                WorkerHarness.tinyOptions(32, 3).outputFormat(OutputFormat.JPEG).build());
        h.submit(job);
        JobEvent done = h.awaitTerminal(job.jobId(), WAIT);
        assertEquals(ObjectKeys.result(job.jobId(), "jpg"), done.resultKey());
        byte[] bytes = h.store.get(done.resultKey());
        assertEquals(0xff, bytes[0] & 0xff);
        assertEquals(0xd8, bytes[1] & 0xff);
    }

    @Test
    @Order(2)
    void redeliveredFinishedJobIsNotRunAgainNorAnnouncedTwice() throws Exception {
        JobRequest job = h.request(content, style, WorkerHarness.tinyOptions(32, 5).build());
        h.submit(job);
        JobEvent first = h.awaitTerminal(job.jobId(), WAIT);
        RecordMetadata again = h.submit(job); // the same request delivered again
        TopicPartition tp = new TopicPartition(again.topic(), again.partition());
        WorkerHarness.await("the redelivered request to be committed", WAIT, () -> committed(tp) > again.offset());
        List<JobEvent> events = h.events(job.jobId());
        // its terminal event is on the topic already (the worker looked): the same event is not published twice
        assertEquals(List.of(first), events.stream().filter(JobEvent::isTerminal).toList(), "events: " + events);
        assertEquals(1, WorkerHarness.count(events, EventType.RUNNING), "ran once: " + events);
    }

    private long committed(TopicPartition tp) {
        try {
            var offsets = h.broker.admin().listConsumerGroupOffsets(h.group).partitionsToOffsetAndMetadata()
                    .get(10, java.util.concurrent.TimeUnit.SECONDS);
            var o = offsets.get(tp);
            return o == null ? -1 : o.offset();
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    @Order(3)
    void cancellingARunningJobStopsItWithCancelled() {
        JobRequest job = h.request(content, style, longRunning());
        h.submit(job);
        h.awaitEvent(job.jobId(), e -> e.type() == EventType.PROGRESS && e.progress().iteration() >= 3, WAIT);
        h.cancel(job.jobId());
        JobEvent done = h.awaitTerminal(job.jobId(), WAIT);
        assertEquals(EventType.CANCELLED, done.type());
        int reached = h.events(job.jobId()).stream().filter(e -> e.progress() != null)
                .mapToInt(e -> e.progress().iteration()).max().orElseThrow();
        assertTrue(reached < 5000, "stopped early, at " + reached);
        assertTrue(done.failure().message().startsWith("cancelled at iteration"), done.failure().message());
    }

    @Test
    @Order(4)
    void cancellingAQueuedJobMeansItNeverRuns() {
        JobRequest busy = h.request(content, style, longRunning());
        h.submit(busy);
        h.awaitEvent(busy.jobId(), e -> e.type() == EventType.PROGRESS, WAIT);
        JobRequest queued = h.request(content, style, WorkerHarness.tinyOptions(32, 5).build());
        h.submit(queued);
        h.cancel(queued.jobId());
        h.cancel(busy.jobId());
        assertEquals(EventType.CANCELLED, h.awaitTerminal(busy.jobId(), WAIT).type());
        JobEvent done = h.awaitTerminal(queued.jobId(), WAIT);
        assertEquals(EventType.CANCELLED, done.type());
        assertEquals(List.of(done), h.events(queued.jobId()), "no RUNNING or PROGRESS for the queued job");
    }

    @Test
    @Order(5)
    void corruptImageFailsWithInputCorruptAndIsDeadLettered() {
        byte[] corrupt = TestImages.gradientPng(40, 40);
        byte[] truncated = java.util.Arrays.copyOf(corrupt, 60);
        JobRequest job = h.request(h.upload(truncated), style, WorkerHarness.tinyOptions(32, 5).build());
        h.submit(job);
        assertFailedAndDeadLettered(job, ErrorCode.INPUT_CORRUPT);
    }

    @Test
    @Order(6)
    void decompressionBombFailsWithInputTooLargeBeforeDecoding() {
        JobRequest job = h.request(h.upload(pngHeaderClaiming(50_000, 50_000)), style,
                WorkerHarness.tinyOptions(32, 5).build());
        h.submit(job);
        assertFailedAndDeadLettered(job, ErrorCode.INPUT_TOO_LARGE);
    }

    @Test
    @Order(7)
    void missingInputObjectFailsWithInputMissing() {
        ImageRef missing = new ImageRef("0".repeat(64));
        JobRequest job = h.request(content, missing, WorkerHarness.tinyOptions(32, 5).build());
        h.submit(job);
        JobEvent failed = assertFailedAndDeadLettered(job, ErrorCode.INPUT_MISSING);
        assertTrue(failed.failure().message().contains("styles[0]"), failed.failure().message());
    }

    @Test
    @Order(8)
    void optionOutOfRangeThatSlippedThroughFailsWithInvalidRequest() {
        JobRequest job = h.request(content, style, WorkerHarness.tinyOptions(32, 999_999).build());
        h.submit(job);
        JobEvent failed = assertFailedAndDeadLettered(job, ErrorCode.INVALID_REQUEST);
        assertTrue(failed.failure().message().contains("options.iterations"), failed.failure().message());
    }

    @Test
    @Order(9)
    void malformedMessagesAreDeadLetteredAndTheWorkerKeepsConsuming() {
        String keyed = UUID.randomUUID().toString();
        byte[] garbage = "{not json at all".getBytes(StandardCharsets.UTF_8);
        h.send(h.topics.jobs(), keyed, garbage);
        h.send(h.topics.jobs(), null, new byte[] {0, 1, 2, 3});

        JobEvent failed = h.awaitTerminal(keyed, WAIT);
        assertEquals(EventType.FAILED, failed.type());
        assertEquals(ErrorCode.MALFORMED_MESSAGE, failed.failure().code());
        WorkerHarness.await("both dead letters", WAIT, () -> h.deadLetters.stream()
                .filter(d -> d.code() == ErrorCode.MALFORMED_MESSAGE).count() >= 2);
        DeadLetter keyedLetter = h.deadLetters.stream().filter(d -> keyed.equals(d.jobId())).findFirst().orElseThrow();
        assertEquals(h.topics.jobs(), keyedLetter.sourceTopic());
        assertTrue(keyedLetter.reason().contains("not valid JSON"), keyedLetter.reason());
        assertTrue(java.util.Arrays.equals(garbage, Base64.getDecoder().decode(keyedLetter.payloadBase64())));

        JobRequest after = h.request(content, style, WorkerHarness.tinyOptions(32, 3).build());
        h.submit(after);
        assertEquals(EventType.SUCCEEDED, h.awaitTerminal(after.jobId(), WAIT).type());
    }

    @Test
    @Order(10)
    void repeatedStyleHitsTheStyleTargetCache() throws Exception {
        ImageRef freshStyle = h.upload(TestImages.stripesPng(24, 24, 3));
        for (int i = 0; i < 2; i++) {
            JobRequest job = h.request(content, freshStyle, WorkerHarness.tinyOptions(36, 3).build());
            h.submit(job);
            JobEvent done = h.awaitTerminal(job.jobId(), WAIT);
            JsonNode manifest = JsonCodec.shared().mapper().readTree(h.store.get(done.manifestKey()));
            assertEquals(i == 0 ? "miss" : "hit", manifest.get("styleCache").asText());
        }
    }

    @Test
    @Order(11)
    void aBf16JobRunsInBf16AndItsManifestSaysSo() throws Exception {
        JobRequest job = h.request(content, style, WorkerHarness.tinyOptions(36, 3)
                .precision(dev.ist.common.job.Precision.BF16).build());
        h.submit(job);
        JobEvent done = h.awaitTerminal(job.jobId(), WAIT);
        assertEquals(EventType.SUCCEEDED, done.type(), () -> "events: " + h.events(job.jobId()));
        JsonNode weights = JsonCodec.shared().mapper().readTree(h.store.get(done.manifestKey())).get("weights");
        assertEquals("BF16", weights.get("precision").asText());
        JsonNode fallback = weights.get("precisionFallback");
        assertTrue(fallback == null || fallback.isNull(), weights.toString());
    }

    @Test
    @Order(100)
    void metricsEndpointExposesJobIterationCheckpointCacheAndJvmMetrics() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + worker.managementPort();
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, metrics.statusCode());
        String text = metrics.body();
        assertTrue(value(text, "ist_worker_jobs_total{error_code=\"none\",outcome=\"succeeded\"}") >= 5, text);
        assertTrue(value(text, "ist_worker_jobs_total{error_code=\"none\",outcome=\"cancelled\"}") >= 3);
        assertTrue(value(text, "ist_worker_jobs_total{error_code=\"INPUT_CORRUPT\",outcome=\"failed\"}") >= 1);
        assertTrue(value(text, "ist_worker_job_duration_seconds_count") >= 5);
        assertTrue(value(text, "ist_worker_job_duration_seconds_bucket{le=\"+Inf\"}") >= 5);
        assertTrue(value(text, "ist_worker_queue_wait_seconds_count") >= 5);
        assertTrue(value(text, "ist_worker_iteration_seconds_count") >= 25);
        assertTrue(value(text, "ist_worker_iteration_seconds_sum") > 0);
        assertTrue(value(text, "ist_worker_iterations_total") >= 25);
        assertEquals(0, value(text, "ist_engine_precision_fallbacks_total"), "shown at 0 before any fallback");
        assertEquals(0, value(text, "ist_worker_jobs_in_progress"));
        assertTrue(value(text, "ist_worker_checkpoints_written_total") >= 2);
        assertTrue(value(text, "ist_worker_style_cache_requests_total{result=\"hit\"}") >= 1);
        assertTrue(value(text, "ist_worker_style_cache_requests_total{result=\"miss\"}") >= 1);
        assertTrue(value(text, "ist_worker_dlq_messages_total{reason=\"malformed_message\"}") >= 2);
        assertEquals(1, value(text, "ist_worker_info{device=\"cpu\",pool=\"default\",worker_id=\"flow-worker\"}"));
        assertTrue(text.contains("ist_worker_checkpoints_resumed_total"));
        assertTrue(text.contains("jvm_memory_used_bytes{area=\"heap\""));
        assertTrue(text.contains("jvm_threads_live_threads"));
        assertTrue(text.contains("process_cpu_usage"));
        assertTrue(text.contains("kafka_consumer_fetch_manager_records_lag_max"), "kafka client metrics");

        assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(base + "/health/live")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("\"storage\":\"UP\""), ready.body());
    }

    private JobEvent assertFailedAndDeadLettered(JobRequest job, ErrorCode code) {
        JobEvent failed = h.awaitTerminal(job.jobId(), WAIT);
        assertEquals(EventType.FAILED, failed.type(), () -> "events: " + h.events(job.jobId()));
        assertEquals(code, failed.failure().code(), failed.failure().message());
        assertTrue(h.events(job.jobId()).stream().noneMatch(e -> e.type() == EventType.RUNNING));
        WorkerHarness.await("dead letter of " + job.jobId(), WAIT,
                () -> h.deadLetters.stream().anyMatch(d -> job.jobId().equals(d.jobId())));
        DeadLetter letter = h.deadLetters.stream().filter(d -> job.jobId().equals(d.jobId())).findFirst()
                .orElseThrow();
        assertEquals(code, letter.code());
        assertEquals(failed.failure().message(), letter.reason());
        assertTrue(new String(Base64.getDecoder().decode(letter.payloadBase64()), StandardCharsets.UTF_8)
                .contains(job.jobId()), "the original request is kept");
        return failed;
    }

    /** Adam does not stop early on convergence, so this runs until cancelled. */
    private static dev.ist.common.job.JobOptions longRunning() {
        return WorkerHarness.tinyOptions(48, 5000).optimizer(Optimizer.ADAM).learningRate(0.02).build();
    }

    /** A PNG whose header claims width × height pixels and that holds no pixel data at all. */
    static byte[] pngHeaderClaiming(int width, int height) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
            ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
            DataOutputStream d = new DataOutputStream(ihdr);
            d.writeBytes("IHDR");
            d.writeInt(width);
            d.writeInt(height);
            d.write(new byte[] {8, 2, 0, 0, 0});
            out.writeInt(13);
            out.write(ihdr.toByteArray());
            CRC32 crc = new CRC32();
            crc.update(ihdr.toByteArray());
            out.writeInt((int) crc.getValue());
            out.writeInt(0);
            out.writeBytes("IEND");
            CRC32 end = new CRC32();
            end.update("IEND".getBytes(StandardCharsets.US_ASCII));
            out.writeInt((int) end.getValue());
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The value of one sample line of the Prometheus text format (labels as Micrometer sorts them). */
    static double value(String exposition, String sample) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(exposition);
        if (!m.find()) {
            throw new AssertionError("no sample " + sample + " in:\n" + exposition);
        }
        return Double.parseDouble(m.group(1));
    }
}
