package dev.ist.gateway;

import dev.ist.gateway.support.IstTestResource;
import dev.ist.gateway.support.Multipart;
import dev.ist.gateway.support.TestEnv;
import dev.ist.testkit.TestImages;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Submit latency over loopback: 200 multipart submissions (two small PNGs each, so every one goes through the
 * image gate, two content-addressed S3 writes and two acknowledged Kafka sends), one at a time, as a client sees
 * them. Prints the figures; asserts only that every submission was accepted (timings are not assertions).
 */
@QuarkusTest
@WithTestResource(IstTestResource.class)
class SubmitLatencyBenchTest {

    private static final int WARM_UP = 20;
    private static final int SUBMISSIONS = 200;

    @TestHTTPResource("/v1/jobs")
    URI jobs;

    @Test
    void twoHundredSubmissionsAreAllAcceptedAndTheirLatencyIsPrinted() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        byte[] style = TestImages.stripesPng(32, 32, 4);
        long[] nanos = new long[SUBMISSIONS];
        for (int i = -WARM_UP; i < SUBMISSIONS; i++) {
            // a different content image each time, so storage really writes (no content-addressed shortcut)
            Multipart body = new Multipart()
                    .file("content", "c.png", "image/png", TestImages.noisePng(32, 24, 1000L + i))
                    .file("style", "s.png", "image/png", style)
                    .field("options", "{\"size\":64,\"iterations\":10}");
            HttpRequest request = HttpRequest.newBuilder(jobs)
                    .header("X-Api-Key", TestEnv.BENCH_KEY)
                    .header("Content-Type", body.contentType())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.build()))
                    .build();
            long t0 = System.nanoTime();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            long took = System.nanoTime() - t0;
            assertEquals(202, response.statusCode(), response.body());
            if (i >= 0) {
                nanos[i] = took;
            }
        }
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "SUBMIT_LATENCY_MS n=%d p50=%.1f p90=%.1f p99=%.1f max=%.1f mean=%.1f%n",
                SUBMISSIONS, ms(nanos[SUBMISSIONS / 2]), ms(nanos[(int) (SUBMISSIONS * 0.9)]),
                ms(nanos[(int) (SUBMISSIONS * 0.99)]), ms(nanos[SUBMISSIONS - 1]),
                ms((long) Arrays.stream(nanos).average().orElse(0)));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
