package dev.ist.worker.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.ErrorCode;
import dev.ist.common.event.EventType;
import dev.ist.common.event.JobEvent;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.JobMode;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.JobRequest;
import dev.ist.common.model.ModelInfo;
import dev.ist.common.model.ModelRegistry;
import dev.ist.common.model.OnnxStyleNetwork;
import dev.ist.testkit.TestImages;
import dev.ist.worker.engine.ImageOps;
import dev.ist.worker.fast.FastModelFixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fast (feed-forward ONNX) jobs end to end: registry in a real S3 server, real broker, the real worker runtime. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FastJobFlowTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String MODEL = "tiny-style";

    private WorkerHarness h;
    private ModelRegistry registry;
    private ModelInfo info;
    private ImageRef content;

    @BeforeAll
    void start() {
        h = new WorkerHarness("fast");
        h.startWorker("fast-worker");
        registry = new ModelRegistry(h.store);
        info = registry.register(FastModelFixtures.tinyInfo(MODEL), FastModelFixtures.tinyStyleOnnx(), null, null);
        content = h.upload(TestImages.noisePng(150, 100, 3));
    }

    @AfterAll
    void stop() {
        h.close();
    }

    private JobRequest fastJob(String model, boolean preserveColors) {
        JobOptions options = JobOptions.builder().size(150).mode(JobMode.FAST).model(model)
                .preserveColors(preserveColors).build();
        return JobRequest.of(UUID.randomUUID().toString(), Instant.now(), content, List.of(), options, "test");
    }

    @Test
    @Order(1)
    void fastJobSucceedsWithOneProgressAndTheModelsOutput() throws Exception {
        JobRequest job = fastJob(MODEL, false);
        h.submit(job);
        JobEvent done = h.awaitTerminal(job.jobId(), WAIT);
        assertEquals(EventType.SUCCEEDED, done.type(), () -> "events: " + h.events(job.jobId()));
        List<JobEvent> events = h.events(job.jobId());
        assertEquals(List.of(EventType.RUNNING, EventType.PROGRESS, EventType.SUCCEEDED),
                events.stream().map(JobEvent::type).toList());
        for (int i = 1; i < events.size(); i++) {
            assertTrue(events.get(i).seq() > events.get(i - 1).seq(), "seq grows: " + events);
        }

        BufferedImage result = TestImages.decode(h.store.get(done.resultKey()));
        assertEquals(150, result.getWidth());
        assertEquals(100, result.getHeight());

        // the same model run directly on the whole image (the job tiled it: the model's max side is 64)
        BufferedImage input = TestImages.decode(h.store.get(content.key()));
        float[] in = ImageOps.toChw(ImageOps.toRgb(input));
        for (int i = 0; i < in.length; i++) {
            in[i] *= 255f;
        }
        float[] direct;
        try (OnnxStyleNetwork net = OnnxStyleNetwork.load(MODEL, FastModelFixtures.tinyStyleOnnx())) {
            direct = net.run(in, 150, 100);
        }
        for (int i = 0; i < direct.length; i++) {
            direct[i] /= 255f;
        }
        BufferedImage expected = ImageOps.fromChw(direct, 150, 100);
        int maxDiff = 0;
        for (int y = 0; y < 100; y++) {
            for (int x = 0; x < 150; x++) {
                int a = result.getRGB(x, y);
                int b = expected.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    maxDiff = Math.max(maxDiff, Math.abs(((a >> shift) & 0xff) - ((b >> shift) & 0xff)));
                }
            }
        }
        assertTrue(maxDiff <= 1, "largest channel difference from direct inference " + maxDiff);

        JsonNode manifest = JsonCodec.shared().mapper().readTree(h.store.get(done.manifestKey()));
        assertEquals("onnx:" + MODEL, manifest.get("weights").get("description").asText());
        assertEquals(info.sha256(), manifest.get("weights").get("sha256").asText());
        assertEquals("FAST", manifest.get("options").get("mode").asText());
    }

    @Test
    @Order(2)
    void preserveColorsKeepsTheContentsChroma() {
        JobRequest plain = fastJob(MODEL, false);
        JobRequest kept = fastJob(MODEL, true);
        h.submit(plain);
        h.submit(kept);
        JobEvent a = h.awaitTerminal(plain.jobId(), WAIT);
        JobEvent b = h.awaitTerminal(kept.jobId(), WAIT);
        assertEquals(EventType.SUCCEEDED, b.type(), () -> "events: " + h.events(kept.jobId()));
        float[] source = ImageOps.toChw(ImageOps.toRgb(TestImages.decode(h.store.get(content.key()))));
        float[] withColours = ImageOps.toChw(TestImages.decode(h.store.get(b.resultKey())));
        float[] without = ImageOps.toChw(TestImages.decode(h.store.get(a.resultKey())));
        double keptErr = chromaDistance(withColours, source);
        double plainErr = chromaDistance(without, source);
        assertTrue(keptErr < plainErr / 3, "chroma distance kept " + keptErr + " vs plain " + plainErr);
    }

    @Test
    @Order(3)
    void unknownModelFailsWithAClearMessage() {
        JobRequest job = fastJob("no-such-model", false);
        h.submit(job);
        JobEvent done = h.awaitTerminal(job.jobId(), WAIT);
        assertEquals(EventType.FAILED, done.type());
        assertEquals(ErrorCode.WEIGHTS_UNAVAILABLE, done.failure().code());
        assertTrue(done.failure().message().contains("\"no-such-model\" is not registered"), done.failure().message());
    }

    @Test
    @Order(4)
    void aReplacedModelObjectIsLoadedAgain() {
        // same name, new bytes: the worker must not keep using the network it cached in the first test
        registry.register(FastModelFixtures.tinyInfo(MODEL), FastModelFixtures.wrongShapeOnnx(), null, null);
        JobRequest job = fastJob(MODEL, false);
        h.submit(job);
        JobEvent done = h.awaitTerminal(job.jobId(), WAIT);
        assertEquals(EventType.FAILED, done.type(), () -> "events: " + h.events(job.jobId()));
        assertTrue(done.failure().message().contains("1×3×H×W"), done.failure().message());
        registry.register(FastModelFixtures.tinyInfo(MODEL), FastModelFixtures.tinyStyleOnnx(), null, null);
        JobRequest again = fastJob(MODEL, false);
        h.submit(again);
        assertEquals(EventType.SUCCEEDED, h.awaitTerminal(again.jobId(), WAIT).type());
    }

    private static double chromaDistance(float[] a, float[] b) {
        float[] ca = ImageOps.chroma(a);
        float[] cb = ImageOps.chroma(b);
        double sum = 0;
        for (int i = 0; i < ca.length; i++) {
            sum += Math.abs(ca[i] - cb[i]);
        }
        return sum / ca.length;
    }
}
