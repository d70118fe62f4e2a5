package dev.ist.gateway.forked;

import dev.ist.common.Topics;
import dev.ist.testkit.S3Server;
import dev.ist.testkit.TestImages;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The measurement, as a test: a gateway with a 256 MiB heap gets 10 parallel 120 MB bodies on each upload
 * endpoint. Every one is refused with a 4xx, no OutOfMemoryError is logged, and a normal job right after is accepted.
 */
class HugeBodiesIT {

    private static final long HUGE = 120_000_000L;
    private static final int PARALLEL = 10;
    private static final String BOUNDARY = "ist-forked-boundary";

    @Test
    void tenParallelHugeBodiesPerEndpointAreRefusedWithoutExhaustingASmallHeap() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Topics topics = ForkedGateway.newTopics(run);
        String bucket = "fk-" + run;
        S3Server.shared().createBucket(bucket);
        // every upload may be in progress at once here, so each gets its own 4xx rather than the 503 of the gate
        try (ForkedGateway g = ForkedGateway.start("huge", topics, bucket, "256m",
                Map.of("ist.gateway.limits.max-concurrent-uploads", Integer.toString(3 * PARALLEL)))) {
            // the default client asks to upgrade to h2c, as any client may: the gateway must not buffer for it
            HttpClient client = HttpClient.newHttpClient();
            List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
            for (int i = 0; i < PARALLEL; i++) {
                pending.add(client.sendAsync(request(g, "/v1/jobs", "application/json",
                        body(new byte[] {'{', '"', 'x', '"', ':', '"'}, HUGE, new byte[] {'"', '}'})),
                        HttpResponse.BodyHandlers.ofString()));
                pending.add(client.sendAsync(request(g, "/v1/images", "image/png", body(new byte[0], HUGE,
                        new byte[0])), HttpResponse.BodyHandlers.ofString()));
                byte[] head = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"content\"; "
                        + "filename=\"c.png\"\r\nContent-Type: image/png\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                byte[] tail = ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII);
                pending.add(client.sendAsync(request(g, "/v1/jobs", "multipart/form-data; boundary=" + BOUNDARY,
                        body(head, HUGE, tail)), HttpResponse.BodyHandlers.ofString()));
            }
            List<Integer> statuses = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> f : pending) {
                HttpResponse<String> r = f.get(5, java.util.concurrent.TimeUnit.MINUTES);
                statuses.add(r.statusCode());
                assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, r.statusCode() + " " + r.body());
                assertTrue(r.body().contains("urn:ist:problem:"), r.body());
            }
            assertTrue(g.alive(), "the gateway is still running");

            HttpResponse<String> normal = client.send(normalJob(g), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, normal.statusCode(), normal.body());

            String log = g.logText();
            assertFalse(log.contains("OutOfMemoryError"), "no OutOfMemoryError in the gateway log");
            System.out.printf("[forked gateway -Xmx256m] %d huge bodies (%d MB each) refused with %s; "
                            + "heap high-water mark %.1f MiB%n", statuses.size(), HUGE / 1_000_000,
                    statuses.stream().distinct().sorted().toList(), g.heapPeakBytes() / 1048576.0);
        }
    }

    private static HttpRequest request(ForkedGateway g, String path, String type, HttpRequest.BodyPublisher body) {
        return HttpRequest.newBuilder(g.base.resolve(path)).header("X-Api-Key", ForkedGateway.KEY)
                .header("Content-Type", type).POST(body).build();
    }

    /** head, then {@code size} bytes made as they are sent (the test JVM never holds them), then tail. */
    private static HttpRequest.BodyPublisher body(byte[] head, long size, byte[] tail) {
        long length = head.length + size + tail.length;
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                () -> new SequenceInputStream(new SequenceInputStream(new java.io.ByteArrayInputStream(head),
                        new Zeros(size)), new java.io.ByteArrayInputStream(tail))), length);
    }

    private static HttpRequest normalJob(ForkedGateway g) {
        String boundary = "normal-" + UUID.randomUUID();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        part(out, boundary, "content", "c.png", TestImages.gradientPng(40, 30));
        part(out, boundary, "style", "s.png", TestImages.stripesPng(24, 24, 4));
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"options\"\r\n\r\n"
                + "{\"size\":64,\"iterations\":10}\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return HttpRequest.newBuilder(g.base.resolve("/v1/jobs")).header("X-Api-Key", ForkedGateway.KEY)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray())).build();
    }

    private static void part(ByteArrayOutputStream out, String boundary, String name, String file, byte[] bytes) {
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\""
                + file + "\"\r\nContent-Type: image/png\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(bytes);
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    /** {@code remaining} zero bytes, produced on demand. */
    private static final class Zeros extends InputStream {
        private long remaining;

        Zeros(long size) {
            this.remaining = size;
        }

        @Override
        public int read() {
            if (remaining <= 0) {
                return -1;
            }
            remaining--;
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (remaining <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, remaining);
            java.util.Arrays.fill(b, off, off + n, (byte) 0);
            remaining -= n;
            return n;
        }
    }
}
