package dev.ist.gateway.webhooks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook receiver on loopback (JDK HttpServer) that verifies every delivery's signatures as a receiver would:
 * {@code /flaky} fails the first two attempts of each webhook-id with 500, {@code /redirect} answers 302 to
 * {@code /flaky}, {@code /ok} accepts everything.
 */
final class WebhookReceiver implements AutoCloseable {

    record Received(String path, String id, long timestamp, String body, boolean signaturesValid,
                    int signatures, long receivedAtMillis) {
    }

    private final HttpServer server;
    private final List<byte[]> keys;
    final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> flakyCounts = new ConcurrentHashMap<>();

    WebhookReceiver(List<String> secrets) throws IOException {
        this.keys = secrets.stream().map(s -> Base64.getDecoder().decode(s.substring("whsec_".length()))).toList();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", this::handle);
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private void handle(HttpExchange x) throws IOException {
        long now = System.currentTimeMillis();
        byte[] body = x.getRequestBody().readAllBytes();
        String id = x.getRequestHeaders().getFirst("webhook-id");
        String ts = x.getRequestHeaders().getFirst("webhook-timestamp");
        String sig = x.getRequestHeaders().getFirst("webhook-signature");
        long timestamp = ts == null ? -1 : Long.parseLong(ts);
        boolean valid = id != null && sig != null;
        String[] given = sig == null ? new String[0] : sig.split(" ");
        for (byte[] key : keys) {
            String expected = "v1," + Base64.getEncoder().encodeToString(WebhookSigner.hmac(key, id, timestamp, body));
            valid &= List.of(given).contains(expected);
        }
        String path = x.getRequestURI().getPath();
        received.add(new Received(path, id, timestamp, new String(body, StandardCharsets.UTF_8), valid,
                given.length, now));
        int status = switch (path) {
            case "/flaky" -> flakyCounts.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet() <= 2
                    ? 500 : 204;
            case "/redirect" -> {
                x.getResponseHeaders().add("Location", url("/flaky"));
                yield 302;
            }
            default -> 204;
        };
        x.sendResponseHeaders(status, -1);
        x.close();
    }

    List<Received> withId(String id) {
        return received.stream().filter(r -> id.equals(r.id())).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
