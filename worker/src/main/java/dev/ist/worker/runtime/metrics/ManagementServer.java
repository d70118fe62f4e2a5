package dev.ist.worker.runtime.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The worker's management port: {@code /metrics} (Prometheus text), {@code /health/live} (the process answers and
 * its jobs consumer has not died) and
 * {@code /health/ready} (200 only when every readiness check passes; the body lists them). Plain JDK HTTP server: a
 * worker has no other HTTP to serve.
 */
public final class ManagementServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;

    /** Binds {@code ist.worker.metrics-bind-address} (default 127.0.0.1; containers set 0.0.0.0). */
    public ManagementServer(int port, WorkerMetrics metrics, Supplier<Boolean> liveness,
                            Supplier<Map<String, Boolean>> readiness) {
        this(bindAddressFromSettings(), port, metrics, liveness, readiness);
    }

    public ManagementServer(String bindAddress, int port, WorkerMetrics metrics, Supplier<Boolean> liveness,
                            Supplier<Map<String, Boolean>> readiness) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(bindAddress), port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on management address " + bindAddress + ":" + port
                    + " (ist.worker.metrics-bind-address, ist.worker.metrics-port): " + e.getMessage(), e);
        }
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ist-worker-management");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", ex -> respond(ex, 200, metrics.contentType(), metrics.scrape()));
        server.createContext("/health/live", ex -> {
            boolean up = liveness.get();
            respond(ex, up ? 200 : 503, "application/json", "{\"status\":\"" + (up ? "UP" : "DOWN") + "\"}");
        });
        server.createContext("/health/ready", ex -> {
            Map<String, Boolean> checks = readiness.get();
            boolean up = !checks.isEmpty() && checks.values().stream().allMatch(Boolean::booleanValue);
            StringBuilder body = new StringBuilder("{\"status\":\"").append(up ? "UP" : "DOWN").append("\",\"checks\":{");
            String sep = "";
            for (Map.Entry<String, Boolean> c : checks.entrySet()) {
                body.append(sep).append('"').append(c.getKey()).append("\":\"").append(c.getValue() ? "UP" : "DOWN")
                        .append('"');
                sep = ",";
            }
            body.append("}}");
            respond(ex, up ? 200 : 503, "application/json", body.toString());
        });
        server.start();
    }

    /** Loopback unless the deployment asks for more: the port shows job ids and load to whoever reaches it. */
    static String bindAddressFromSettings() {
        return dev.ist.common.IstConfig.fromSystem().get("ist.worker.metrics-bind-address", "127.0.0.1");
    }

    /** The address actually bound. */
    public InetAddress address() {
        return server.getAddress().getAddress();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange ex, int status, String contentType, String body) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", contentType);
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
