package dev.ist.worker.runtime.metrics;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where the management port listens. */
class ManagementServerBindTest {

    @Test
    void theDefaultIsLoopbackOnly() {
        try (WorkerMetrics metrics = new WorkerMetrics("w", "cpu");
             ManagementServer server = new ManagementServer(0, metrics, () -> true, () -> Map.of("x", true))) {
            assertTrue(server.address().isLoopbackAddress(), server.address().toString());
        }
    }

    @Test
    void allInterfacesWhenAsked() throws Exception {
        try (WorkerMetrics metrics = new WorkerMetrics("w", "cpu");
             ManagementServer server = new ManagementServer("0.0.0.0", 0, metrics, () -> true, () -> Map.of())) {
            assertTrue(server.address().isAnyLocalAddress(), server.address().toString());
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("ist_worker_records_skipped_total{reason=\"dlq_refused\"} 0.0"), r.body());
        }
    }
}
