package dev.ist.gateway;

import dev.ist.gateway.support.IstTestResource;
import dev.ist.gateway.support.Jobs;
import dev.ist.gateway.support.TestEnv;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static dev.ist.gateway.support.Jobs.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Uploads in progress are bounded: with one allowed, a second one meanwhile gets 503 with Retry-After. */
@QuarkusTest
@TestProfile(UploadConcurrencyTest.OneUploadAtATime.class)
@WithTestResource(IstTestResource.class)
class UploadConcurrencyTest {

    public static class OneUploadAtATime implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ist.gateway.limits.max-concurrent-uploads", "1");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Test
    void aSecondUploadWhileOneIsInProgressIsAskedToRetry() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        // an upload that sends a few bytes and then waits: it holds the only slot
        InputStream slow = new InputStream() {
            private boolean sent;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0];
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (!sent) { // hand over a first chunk at once (a default read(byte[]) would wait for all of it)
                    sent = true;
                    int n = Math.min(len, 100);
                    java.util.Arrays.fill(b, off, off + n, (byte) 7);
                    return n;
                }
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return -1;
            }
        };
        HttpClient client = HttpClient.newHttpClient();
        CompletableFuture<HttpResponse<String>> first = client.sendAsync(HttpRequest.newBuilder(
                        base.resolve("/v1/images")).header("X-Api-Key", TestEnv.ALICE_KEY)
                .header("Content-Type", "image/png").POST(HttpRequest.BodyPublishers.ofInputStream(() -> slow)).build(),
                HttpResponse.BodyHandlers.ofString());
        try {
            io.restassured.response.Response second = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) { // until the first one has reached the gate
                second = as(TestEnv.BOB_KEY).contentType("image/png").body(Jobs.CONTENT).post("/v1/images");
                if (second.statusCode() == 503) {
                    break;
                }
                Thread.sleep(20);
            }
            assertNotNull(second);
            assertEquals(503, second.statusCode(), second.asString());
            assertEquals("urn:ist:problem:too-many-uploads", second.path("type"));
            assertNotNull(second.header("Retry-After"));
        } finally {
            release.countDown();
        }
        HttpResponse<String> done = first.get();
        assertTrue(done.statusCode() >= 400 && done.statusCode() < 500, "100 junk bytes are refused: " + done.body());
        // the slot is free again
        as(TestEnv.BOB_KEY).contentType("image/png").body(Jobs.CONTENT).post("/v1/images").then().statusCode(201);
    }
}
