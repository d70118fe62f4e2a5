package dev.ist.gateway;

import dev.ist.gateway.support.IstTestResource;
import dev.ist.gateway.support.Jobs;
import dev.ist.gateway.support.SseClient;
import dev.ist.gateway.support.TestEnv;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static dev.ist.gateway.support.Jobs.as;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A client that loses its event stream and reconnects with Last-Event-ID gets every event it missed (from the job
 * store) and then the live ones (from the tail of the events topic), none twice; a finished job's stream replays its
 * history and ends cleanly.
 */
@QuarkusTest
@WithTestResource(IstTestResource.class)
class SseResumeTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void aStreamResumedWithLastEventIdRepeatsNothingAndLosesNothing() throws Exception {
        String id = Jobs.submitted(TestEnv.ALICE_KEY, "{\"size\":64,\"iterations\":1000}");
        URI events = base.resolve("/v1/jobs/" + id + "/events");

        List<Long> seen = new ArrayList<>(firstEvents(events, 12));
        long lastId = seen.get(seen.size() - 1);
        // the job goes on while the client is away
        awaitLastSeq(id, lastId + 15);

        CompletableFuture<SseClient.Stream> resumed = CompletableFuture.supplyAsync(() -> {
            try {
                return SseClient.read(events, TestEnv.ALICE_KEY, Long.toString(lastId), Duration.ofSeconds(120));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // some events reach the resumed stream live before the job ends
        awaitLastSeq(id, lastId + 30);
        as(TestEnv.ALICE_KEY).delete("/v1/jobs/" + id).then().statusCode(202);
        SseClient.Stream rest = resumed.get(120, TimeUnit.SECONDS);
        rest.events().forEach(r -> seen.add(r.event().seq()));

        long terminal = seen.get(seen.size() - 1);
        assertEquals("CANCELLED", rest.events().get(rest.events().size() - 1).event().type().name());
        assertEquals(LongStream.rangeClosed(0, terminal).boxed().toList(), seen,
                "every event once, in order, across the reconnect");
    }

    @Test
    void aFinishedJobsStreamReplaysEverythingAndEndsWithNoErrorOnTheGateway() throws Exception {
        String id = Jobs.submitted(TestEnv.ALICE_KEY, "{\"size\":64,\"iterations\":1000}");
        awaitLastSeq(id, 3);
        as(TestEnv.ALICE_KEY).delete("/v1/jobs/" + id).then().statusCode(202);
        awaitState(id, "CANCELLED");
        URI events = base.resolve("/v1/jobs/" + id + "/events");

        // the gateway's error lines for a request: its exception mapper's and Quarkus' own
        List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                if (r.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()) {
                    errors.add(r.getLoggerName() + ": " + r.getMessage() + " "
                            + java.util.Arrays.toString(r.getParameters()) + " " + r.getThrown());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.addHandler(capture);
        try {
            for (int i = 0; i < 5; i++) {
                // a finished job's whole history, then the end of the stream (the race with Quarkus' own handling of
                // the response is what made this an error; five tries give it its chances)
                SseClient.Stream replay = SseClient.read(events, TestEnv.ALICE_KEY, null, Duration.ofSeconds(30));
                assertEquals(200, replay.status());
                // what the store keeps: every lifecycle event, the newest PROGRESS ticks (older ones are capped)
                List<Long> seqs = replay.events().stream().map(r -> r.event().seq()).toList();
                assertEquals(0L, seqs.get(0));
                assertEquals(seqs.stream().sorted().distinct().toList(), seqs, "in order, none twice");
                assertEquals("CANCELLED", replay.events().get(replay.events().size() - 1).event().type().name());
            }
            Thread.sleep(1500); // past the deferred end of the last stream
        } finally {
            root.removeHandler(capture);
        }
        assertEquals(List.of(), errors.stream().filter(e -> e.contains("events") || e.contains("already been written"))
                .toList(), "no error logged for a stream that ended");
    }

    private static void awaitState(String id, String state) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < until) {
            if (state.equals(as(TestEnv.ALICE_KEY).get("/v1/jobs/" + id).path("status"))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("job " + id + " did not reach " + state);
    }

    /** Opens the stream, reads the ids of its first {@code n} events, and drops the connection. */
    private static List<Long> firstEvents(URI events, int n) throws Exception {
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(events)
                .header("Accept", "text/event-stream").header("X-Api-Key", TestEnv.ALICE_KEY).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        List<Long> ids = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(),
                StandardCharsets.UTF_8))) {
            String line;
            while (ids.size() < n && (line = reader.readLine()) != null) {
                if (line.startsWith("id:")) {
                    ids.add(Long.parseLong(line.substring(3).trim()));
                }
            }
        }
        return ids;
    }

    private static void awaitLastSeq(String id, long seq) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < until) {
            Number last = as(TestEnv.ALICE_KEY).get("/v1/jobs/" + id).path("lastSeq");
            if (last != null && last.longValue() >= seq) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("job " + id + " did not reach seq " + seq);
    }
}
