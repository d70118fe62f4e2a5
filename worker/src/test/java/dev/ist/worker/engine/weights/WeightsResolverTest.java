package dev.ist.worker.engine.weights;

import com.sun.net.httpserver.HttpServer;
import dev.ist.worker.download.HttpWeightsDownload;
import dev.ist.worker.engine.Fixtures;
import dev.ist.worker.engine.WeightsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Download-and-cache against a real local HTTP server, and the offline error path. */
class WeightsResolverTest {
    private static final WeightsDownload HTTP = new HttpWeightsDownload();
    @TempDir
    Path dir;
    private HttpServer server;
    private final AtomicInteger downloads = new AtomicInteger();
    private byte[] body;
    private String goodName;

    @BeforeEach
    void serve() throws IOException {
        body = Files.readAllBytes(Fixtures.path("tiny-vgg19-zip.pth"));
        goodName = "tiny-vgg19-" + WeightsLoader.sha256(Fixtures.path("tiny-vgg19-zip.pth")).substring(0, 8) + ".pth";
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/models/", exchange -> {
            downloads.incrementAndGet();
            String name = exchange.getRequestURI().getPath().substring("/models/".length());
            if (name.equals(goodName) || name.equals("tiny-vgg19-deadbeef.pth")) {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            } else {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI url(String name) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/models/" + name);
    }

    @Test
    void downloadsVerifiesAndCachesTheWeights() {
        Path cache = dir.resolve("cache");
        WeightsResolver resolver = new WeightsResolver(cache, url(goodName), false, List.of(),
                HTTP);
        Path file = resolver.resolve();
        assertEquals(cache.resolve(goodName), file);
        assertEquals(16, WeightsLoader.load(file, null).usableConvCount());
        resolver.resolve();
        assertEquals(1, downloads.get(), "the second resolve uses the cache");
    }

    @Test
    void findsTheFileInTorchvisionsCacheWithoutDownloading() throws IOException {
        Path torchCache = Files.createDirectories(dir.resolve("torch"));
        Files.write(torchCache.resolve(goodName), body);
        WeightsResolver resolver = new WeightsResolver(dir.resolve("cache"), url(goodName), true, List.of(torchCache),
                HTTP);
        assertEquals(torchCache.resolve(goodName), resolver.resolve());
        assertEquals(0, downloads.get());
    }

    @Test
    void aDownloadWithTheWrongHashIsRejectedAndNotCached() {
        Path cache = dir.resolve("cache");
        WeightsResolver resolver = new WeightsResolver(cache, url("tiny-vgg19-deadbeef.pth"), false, List.of(),
                HTTP);
        WeightsException e = assertThrows(WeightsException.class, resolver::resolve);
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
        assertFalse(Files.exists(cache.resolve("tiny-vgg19-deadbeef.pth")));
    }

    @Test
    void offlineWithoutAFileNamesThePlacesLookedIn() {
        Path cache = dir.resolve("cache");
        WeightsResolver resolver = new WeightsResolver(cache, URI.create(WeightsResolver.DEFAULT_URL), true, List.of(),
                HTTP);
        WeightsException e = assertThrows(WeightsException.class, resolver::resolve);
        assertTrue(e.getMessage().contains(cache.resolve("vgg19-dcbb9e9d.pth").toString()), e.getMessage());
    }

    @Test
    void anUnreachableServerNamesTheUrlTried() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        URI unreachable = URI.create("http://127.0.0.1:" + closedPort + "/models/vgg19-dcbb9e9d.pth");
        WeightsResolver resolver = new WeightsResolver(dir.resolve("cache"), unreachable, false, List.of(),
                HTTP);
        WeightsException e = assertThrows(WeightsException.class, resolver::resolve);
        assertTrue(e.getMessage().contains(unreachable.toString()), e.getMessage());
    }
}
