package dev.ist.client;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The result download against a JDK HttpServer playing the gateway's redirect and the storage's presigned URL. */
class ResultDownloaderTest {

    @TempDir
    Path dir;

    private HttpServer server;
    private final List<String> storageAuth = Collections.synchronizedList(new ArrayList<>());
    private static final byte[] IMAGE = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI start(boolean storageReachable) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        String storage = storageReachable ? "/bucket/jobs/j1/result.png?X-Amz-Signature=abc"
                : "http://127.0.0.1:1/bucket/jobs/j1/result.png?X-Amz-Signature=abc";
        server.createContext("/v1/jobs/j1/result", ex -> {
            if ("download=stream".equals(ex.getRequestURI().getQuery())) {
                ex.getResponseHeaders().add("Content-Type", "image/png");
                ex.sendResponseHeaders(200, IMAGE.length);
                ex.getResponseBody().write(IMAGE);
            } else {
                ex.getResponseHeaders().add("Location", storage);
                ex.sendResponseHeaders(303, -1);
            }
            ex.close();
        });
        server.createContext("/v1/jobs/j2/result", ex -> {
            byte[] body = "{\"title\":\"The job has no result\",\"detail\":\"job j2 is FAILED\"}".getBytes();
            ex.sendResponseHeaders(409, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.createContext("/bucket/", ex -> {
            storageAuth.add(ex.getRequestHeaders().getFirst("Authorization"));
            ex.sendResponseHeaders(200, IMAGE.length);
            ex.getResponseBody().write(IMAGE);
            ex.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Test
    void followsTheRedirectWithoutTheApiKeyAndNamesTheFileAfterTheObject() throws IOException {
        GatewayClient client = new GatewayClient(start(true), "secret-key", Duration.ofSeconds(10));
        Path cwdFile = Path.of("j1.png");
        try {
            ResultDownloader.Saved saved = new ResultDownloader(client).save("j1", null);
            assertEquals(cwdFile, saved.file());
            assertArrayEquals(IMAGE, Files.readAllBytes(saved.file()));
            assertEquals(1, storageAuth.size());
            assertNull(storageAuth.get(0), "a presigned URL must not get the API key");
        } finally {
            Files.deleteIfExists(cwdFile);
        }
    }

    @Test
    void streamsThroughTheGatewayWhenTheStorageIsUnreachable() throws IOException {
        GatewayClient client = new GatewayClient(start(false), null, Duration.ofSeconds(10));
        Path out = dir.resolve("out.png");
        ResultDownloader.Saved saved = new ResultDownloader(client).save("j1", out);
        assertEquals(IMAGE.length, saved.bytes());
        assertArrayEquals(IMAGE, Files.readAllBytes(out));
    }

    @Test
    void aJobWithoutResultIsTheGatewaysProblem() throws IOException {
        GatewayClient client = new GatewayClient(start(true), null, Duration.ofSeconds(10));
        ProblemException e = assertThrows(ProblemException.class,
                () -> new ResultDownloader(client).save("j2", dir.resolve("x.png")));
        assertEquals("The job has no result: job j2 is FAILED", e.getMessage());
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "no partial file left behind");
        }
    }
}
