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

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static dev.ist.gateway.support.Jobs.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

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
        // a raw connection that declares a body, sends its first bytes and then waits: it holds the only slot
        // (a client library may buffer or delay a body; a socket makes "in progress" exact)
        try (Socket slow = new Socket(base.getHost(), base.getPort())) {
            OutputStream out = slow.getOutputStream();
            out.write(("POST /v1/images HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort() + "\r\n"
                    + "X-Api-Key: " + TestEnv.ALICE_KEY + "\r\nContent-Type: image/png\r\n"
                    + "Content-Length: 5000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[100]);
            out.flush();
            io.restassured.response.Response second = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) { // until the slow one has reached the gate
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
        }
        // the slow upload's connection is gone: its slot is given back
        int status = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline && status != 201) {
            status = as(TestEnv.BOB_KEY).contentType("image/png").body(Jobs.CONTENT).post("/v1/images").statusCode();
            if (status != 201) {
                Thread.sleep(20);
            }
        }
        assertEquals(201, status, "an upload after the slow one closed is accepted");
    }
}
