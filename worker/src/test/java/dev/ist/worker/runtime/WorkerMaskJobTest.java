package dev.ist.worker.runtime;

import dev.ist.common.event.ErrorCode;
import dev.ist.common.event.EventType;
import dev.ist.common.event.JobEvent;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.JobRequest;
import dev.ist.common.job.StyleRef;
import dev.ist.testkit.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Style and content masks fetched from a real S3 server by a worker on a real broker. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkerMaskJobTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private WorkerHarness h;
    private ImageRef content;
    private ImageRef red;
    private ImageRef blue;

    @BeforeAll
    void start() {
        h = new WorkerHarness("masks");
        h.startWorker("masks-worker");
        content = h.upload(png(solid(48, 36, 0x808080))); // grey: any colour in the result comes from a style
        red = h.upload(png(solid(32, 32, 0xd02010)));
        blue = h.upload(png(solid(32, 32, 0x1030d0)));
    }

    @AfterAll
    void stop() {
        h.close();
    }

    private static BufferedImage solid(int w, int h, int rgb) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int d = ((x * 7 + y * 13) % 40) - 20; // a little texture
                int r = Math.max(0, Math.min(255, ((rgb >> 16) & 0xff) + d));
                int g = Math.max(0, Math.min(255, ((rgb >> 8) & 0xff) + d));
                int b = Math.max(0, Math.min(255, (rgb & 0xff) + d));
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    /** White left of the middle (or right of it when {@code right}), black elsewhere, grey PNG. */
    private static BufferedImage half(int w, int h, boolean right) {
        BufferedImage m = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean leftSide = x < w / 2;
                m.getRaster().setSample(x, y, 0, leftSide != right ? 255 : 0);
            }
        }
        return m;
    }

    private static byte[] png(BufferedImage img) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JobRequest job(List<StyleRef> styles) {
        return JobRequest.of(UUID.randomUUID().toString(), Instant.now(), content, styles,
                WorkerHarness.tinyOptions(48, 40).styleWeight(1e5).build(), "test");
    }

    private static double redness(BufferedImage img, int x0, int x1) {
        double sum = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = x0; x < x1; x++) {
                int p = img.getRGB(x, y);
                sum += ((p >> 16) & 0xff) - (p & 0xff);
            }
        }
        return sum / (img.getHeight() * (x1 - x0));
    }

    @Test
    void masksAtAnotherSizeOfTheSameAspectSplitTheResultBetweenTheStyles() {
        // masks at twice the content's size: the worker fits them to the output
        JobRequest job = job(List.of(new StyleRef(red, 1, h.upload(png(half(96, 72, false))), null),
                new StyleRef(blue, 1, h.upload(png(half(96, 72, true))), null)));
        h.submit(job);
        JobEvent done = h.awaitTerminal(job.jobId(), WAIT);
        assertEquals(EventType.SUCCEEDED, done.type(), () -> "events: " + h.events(job.jobId()));
        BufferedImage result = TestImages.decode(h.store.get(done.resultKey()));
        double left = redness(result, 0, result.getWidth() / 2);
        double right = redness(result, result.getWidth() / 2, result.getWidth());
        System.out.printf("worker mask split: red-blue left %.1f, right %.1f%n", left, right);
        assertTrue(left > right + 20, "left " + left + " is redder than right " + right);
    }

    @Test
    void aMaskOfAnotherAspectFailsTheJobNamingTheField() {
        JobRequest job = job(List.of(new StyleRef(red, 1), new StyleRef(blue, 1, h.upload(png(half(40, 40, true))),
                null)));
        h.submit(job);
        JobEvent done = h.awaitTerminal(job.jobId(), WAIT);
        assertEquals(EventType.FAILED, done.type());
        assertEquals(ErrorCode.INVALID_REQUEST, done.failure().code());
        assertTrue(done.failure().message().contains("styles[1].mask"), done.failure().message());
    }

    @Test
    void aContentMaskThatIsNotAnImageFailsTheJobNamingTheField() {
        ImageRef notAnImage = h.upload("not an image".getBytes(StandardCharsets.UTF_8));
        JobRequest base = job(List.of(new StyleRef(red, 1)));
        JobRequest job = JobRequest.of(base.jobId(), Instant.now(), content, base.styles(),
                base.options().toBuilder().contentMask(notAnImage).build(), "test");
        h.submit(job);
        JobEvent done = h.awaitTerminal(job.jobId(), WAIT);
        assertEquals(EventType.FAILED, done.type());
        assertTrue(done.failure().message().contains("options.contentMask"), done.failure().message());
    }
}
