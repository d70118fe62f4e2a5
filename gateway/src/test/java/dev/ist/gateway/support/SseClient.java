package dev.ist.gateway.support;

import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.JobEvent;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A plain HTTP client reading a text/event-stream to its end, parsing ids, data and comments. */
public final class SseClient {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** One dispatched SSE event: its id field and its data decoded as a JobEvent. */
    public record Received(String id, JobEvent event) {
    }

    /**
     * The whole exchange: status, content type, job events, how many comment lines came, and the data of the events
     * named {@code queue} (queue position pushes), in arrival order.
     */
    public record Stream(int status, String contentType, List<Received> events, int comments,
                         List<java.util.Map<String, Object>> queue) {
    }

    private SseClient() {
    }

    /** Reads the stream until the server ends it (or fails after {@code timeout}). */
    public static Stream read(URI uri, String apiKey, String lastEventId, Duration timeout) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream")
                .header("X-Api-Key", apiKey).GET();
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        CompletableFuture<Stream> f = HTTP.sendAsync(b.build(), HttpResponse.BodyHandlers.ofLines())
                .thenApply(SseClient::parse);
        return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Reads the stream in the background, telling {@code onQueue} each queue push as it arrives. */
    public static CompletableFuture<Stream> follow(URI uri, String apiKey,
                                                   java.util.function.Consumer<java.util.Map<String, Object>> onQueue) {
        HttpRequest request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream")
                .header("X-Api-Key", apiKey).GET().build();
        return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).thenApply(r -> parse(r, onQueue));
    }

    private static Stream parse(HttpResponse<java.util.stream.Stream<String>> response) {
        return parse(response, q -> { });
    }

    private static Stream parse(HttpResponse<java.util.stream.Stream<String>> response,
                                java.util.function.Consumer<java.util.Map<String, Object>> onQueue) {
        List<Received> events = new ArrayList<>();
        List<java.util.Map<String, Object>> queue = new ArrayList<>();
        int[] comments = {0};
        String[] id = {null};
        String[] name = {null};
        StringBuilder data = new StringBuilder();
        try (java.util.stream.Stream<String> lines = response.body()) {
            lines.forEach(line -> {
                if (line.isEmpty()) {
                    if (!data.isEmpty() && "queue".equals(name[0])) {
                        try {
                            @SuppressWarnings("unchecked")
                            java.util.Map<String, Object> q = new com.fasterxml.jackson.databind.ObjectMapper()
                                    .readValue(data.toString(), java.util.Map.class);
                            queue.add(q);
                            onQueue.accept(q);
                        } catch (Exception e) {
                            throw new IllegalStateException("undecodable queue data: " + data, e);
                        }
                    } else if (!data.isEmpty()) {
                        try {
                            events.add(new Received(id[0], JsonCodec.shared().decodeEvent(
                                    data.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8))));
                        } catch (Exception e) {
                            throw new IllegalStateException("undecodable SSE data: " + data, e);
                        }
                    }
                    data.setLength(0);
                    id[0] = null;
                    name[0] = null;
                } else if (line.startsWith(":")) {
                    comments[0]++;
                } else if (line.startsWith("event:")) {
                    name[0] = line.substring(6).trim();
                } else if (line.startsWith("id:")) {
                    id[0] = line.substring(3).trim();
                } else if (line.startsWith("data:")) {
                    if (!data.isEmpty()) {
                        data.append('\n');
                    }
                    data.append(line.substring(5).stripLeading());
                }
            });
        }
        return new Stream(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), events,
                comments[0], queue);
    }
}
