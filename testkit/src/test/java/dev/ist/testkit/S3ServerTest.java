package dev.ist.testkit;

import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.Blob;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class S3ServerTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void sharedServerIsStartedOnceOnALoopbackPort() {
        S3Server a = S3Server.shared();
        assertSame(a, S3Server.shared());
        assertTrue(a.endpoint().startsWith("http://127.0.0.1:"), a.endpoint());
        assertTrue(a.port() > 0);
    }

    @Test
    void unsignedRequestsAreRefusedBecauseAuthenticationIsEnforced() throws Exception {
        S3Server server = S3Server.shared();
        server.createBucket("auth-check");
        server.blobStore().putBlob("auth-check", server.blobStore().blobBuilder("private.txt")
                .payload("secret".getBytes(StandardCharsets.UTF_8)).build());
        HttpResponse<String> response = get(server.endpoint() + "/auth-check/private.txt");
        assertEquals(403, response.statusCode(), response.body());
        assertTrue(response.body().contains("AccessDenied"), response.body());
    }

    @Test
    void stopRefusesConnectionsAndRestartServesTheSameDataOnTheSamePort() throws Exception {
        try (S3Server server = S3Server.start()) {
            int port = server.port();
            BlobStore store = server.blobStore();
            server.createBucket("kept");
            Blob blob = store.blobBuilder("a/b.txt").payload("kept across restarts".getBytes(StandardCharsets.UTF_8))
                    .build();
            store.putBlob("kept", blob);

            server.stop();
            assertFalse(server.isRunning());
            assertThrows(ConnectException.class, () -> get(server.endpoint() + "/kept/a/b.txt"));

            server.restart();
            assertTrue(server.isRunning());
            assertEquals(port, server.port());
            // an unsigned GET of an existing private object: the server answers again (and still enforces auth)
            assertEquals(403, get(server.endpoint() + "/kept/a/b.txt").statusCode());
            assertEquals(List.of("a/b.txt"), server.keys("kept"));
            try (var in = store.getBlob("kept", "a/b.txt").getPayload().openStream()) {
                assertArrayEquals("kept across restarts".getBytes(StandardCharsets.UTF_8), in.readAllBytes());
            }
        }
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
