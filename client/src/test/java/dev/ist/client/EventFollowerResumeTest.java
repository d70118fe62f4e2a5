package dev.ist.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The follower against a JDK HttpServer standing in for the gateway's event endpoint: connections that drop
 * mid-stream must be resumed with Last-Event-ID, and the listener must see every event exactly once.
 */
class EventFollowerResumeTest {

    private HttpServer server;
    private final List<String> lastEventIds = Collections.synchronizedList(new ArrayList<>());

    private final CountDownLatch released = new CountDownLatch(1);

    @AfterEach
    void stop() {
        released.countDown();
        if (server != null) {
            server.stop(0);
        }
    }

    private static String event(long seq, String type) {
        return "id: " + seq + "\ndata: {\"v\":1,\"jobId\":\"j1\",\"seq\":" + seq + ",\"type\":\"" + type + "\"}\n\n";
    }

    private URI start(ExchangeHandler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger connection = new AtomicInteger();
        server.createContext("/v1/jobs/j1/events", ex -> {
            lastEventIds.add(ex.getRequestHeaders().getFirst("Last-Event-ID"));
            try {
                handler.handle(connection.incrementAndGet(), ex);
            } finally {
                ex.close();
            }
        });
        server.setExecutor(Executors.newCachedThreadPool()); // a held-open stream must not block the reconnect
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    interface ExchangeHandler {
        void handle(int connection, HttpExchange ex) throws IOException;
    }

    private static void stream(HttpExchange ex, String text) throws IOException {
        OutputStream out = ex.getResponseBody();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static EventFollower follower(URI base) {
        return new EventFollower(new GatewayClient(base, null, Duration.ofSeconds(10)),
                new Backoff(Duration.ofMillis(20), Duration.ofMillis(200), new Random(1)),
                Duration.ofSeconds(30), Duration.ofSeconds(30), Clock.systemUTC());
    }

    private static class Recorder implements EventFollower.Listener {
        final List<Long> seqs = new ArrayList<>();
        final List<String> reconnectsAfter = new ArrayList<>();

        @Override
        public void onEvent(JsonNode event) {
            seqs.add(event.path("seq").asLong());
        }

        @Override
        public void onReconnect(int attempt, Duration delay, String lastEventId, String reason) {
            reconnectsAfter.add(lastEventId);
        }
    }

    @Test
    void aDroppedStreamResumesAfterTheLastCompleteEventWithoutLossOrDuplicates() throws Exception {
        URI base = start((n, ex) -> {
            ex.getResponseHeaders().add("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            if (n == 1) {
                stream(ex, ": events of job j1\nretry: 50\n\n" + event(0, "QUEUED") + event(1, "RUNNING")
                        + event(2, "PROGRESS") + ": keep-alive\n\n"
                        // event 3 is cut off before its blank line: it must come again, not be lost
                        + "id: 3\ndata: {\"v\":1,\"jobId\":\"j1\",\"seq\":3,");
                return; // the handler ends: the connection closes mid-event
            }
            // a gateway that replays one event too many must not make the client show it twice
            stream(ex, event(2, "PROGRESS") + event(3, "PROGRESS") + event(4, "PROGRESS") + event(5, "SUCCEEDED"));
        });
        Recorder r = new Recorder();
        EventFollower.Outcome outcome = follower(base).follow("j1", null, r);

        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), r.seqs);
        assertEquals(Arrays.asList(null, "2"), lastEventIds, "the resumed request carries the last complete id");
        assertEquals(List.of("2"), r.reconnectsAfter);
        assertEquals("SUCCEEDED", outcome.terminal().path("type").asText());
        assertEquals(1, outcome.reconnects());
    }

    @Test
    void queuePushesReachTheListenerApartFromJobEventsAndDoNotMoveTheResumeId() throws Exception {
        URI base = start((n, ex) -> {
            ex.getResponseHeaders().add("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            stream(ex, event(0, "QUEUED")
                    + "event: queue\ndata: {\"jobId\":\"j1\",\"position\":3,\"etaSeconds\":40}\n\n"
                    + "event: queue\ndata: {\"jobId\":\"j1\",\"position\":2}\n\n"
                    + event(1, "RUNNING") + event(2, "SUCCEEDED"));
        });
        List<Integer> positions = new ArrayList<>();
        Recorder r = new Recorder() {
            @Override
            public void onQueue(JsonNode queue) {
                positions.add(queue.path("position").asInt());
            }
        };
        EventFollower.Outcome outcome = follower(base).follow("j1", null, r);
        assertEquals(List.of(3, 2), positions);
        assertEquals(List.of(0L, 1L, 2L), r.seqs, "a queue push is not a job event");
        assertEquals("2", outcome.lastEventId());
    }

    @Test
    void aListenerThatFindsTheStreamBehindTheJobGetsAReplayFromTheLastId() throws Exception {
        URI base = start((n, ex) -> {
            ex.sendResponseHeaders(200, 0);
            if (n == 1) {
                // the stream then stays open with heartbeats only, as if the gateway had missed pushing event 2
                stream(ex, event(0, "QUEUED") + event(1, "RUNNING") + ": keep-alive\n\n");
                try {
                    released.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            stream(ex, event(2, "SUCCEEDED"));
        });
        List<Long> ticksAt = new ArrayList<>();
        Recorder r = new Recorder() {
            @Override
            public boolean onTick(long lastSeq) {
                ticksAt.add(lastSeq);
                return lastSeq == 1; // the job's status says lastSeq 2
            }
        };
        EventFollower.Outcome outcome = follower(base).follow("j1", null, r);
        assertEquals(List.of(0L, 1L, 2L), r.seqs);
        assertEquals(Arrays.asList(null, "1"), lastEventIds);
        assertEquals("SUCCEEDED", outcome.terminal().path("type").asText());
    }

    @Test
    void aGatewayErrorOnReconnectIsRetriedWithTheSameId() throws Exception {
        URI base = start((n, ex) -> {
            if (n == 2) {
                byte[] body = "{\"title\":\"Not ready\",\"status\":503}".getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "application/problem+json");
                ex.sendResponseHeaders(503, body.length);
                ex.getResponseBody().write(body);
                return;
            }
            ex.sendResponseHeaders(200, 0);
            stream(ex, n == 1 ? event(0, "QUEUED") + event(1, "RUNNING") : event(2, "FAILED"));
        });
        Recorder r = new Recorder();
        follower(base).follow("j1", null, r);
        assertEquals(List.of(0L, 1L, 2L), r.seqs);
        assertEquals(Arrays.asList(null, "1", "1"), lastEventIds);
    }

    @Test
    void noContentOnReconnectMeansTheJobEndedAndNothingWasMissed() throws Exception {
        URI base = start((n, ex) -> {
            if (n == 1) {
                ex.sendResponseHeaders(200, 0);
                stream(ex, event(0, "QUEUED"));
            } else {
                ex.sendResponseHeaders(204, -1);
            }
        });
        Recorder r = new Recorder();
        EventFollower.Outcome outcome = follower(base).follow("j1", null, r);
        assertNull(outcome.terminal());
        assertEquals(List.of(0L), r.seqs);
    }

    @Test
    void anUnknownJobIsNotRetried() throws Exception {
        URI base = start((n, ex) -> {
            byte[] body = "{\"title\":\"No such job\",\"status\":404,\"detail\":\"job j1\"}"
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(404, body.length);
            ex.getResponseBody().write(body);
        });
        ProblemException e = assertThrows(ProblemException.class, () -> follower(base).follow("j1", null,
                new Recorder()));
        assertEquals("No such job: job j1", e.getMessage());
        assertEquals(1, lastEventIds.size());
    }

    /**
     * A raw socket server that resets the connection (RST, not a clean end) in the middle of an event, and replays
     * after the Last-Event-ID it is given, as the gateway does. An RST may also discard bytes the client had not
     * read yet; whatever it saw, the client must end with every event once.
     */
    @Test
    void aResetConnectionIsResumedToo() throws Exception {
        List<String> headers = Collections.synchronizedList(new ArrayList<>());
        String[] all = {event(0, "QUEUED"), event(1, "RUNNING"), event(2, "PROGRESS"), event(3, "CANCELLED")};
        try (ServerSocket listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread serverThread = new Thread(() -> {
                for (int n = 1; n <= 5; n++) {
                    try (Socket s = listener.accept()) {
                        String request = readHead(s);
                        String last = request.lines().filter(l -> l.toLowerCase().startsWith("last-event-id:"))
                                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(null);
                        headers.add(last);
                        int from = last == null ? 0 : Integer.parseInt(last) + 1;
                        StringBuilder body = new StringBuilder();
                        for (int i = from; i < all.length && (n > 1 || i < 2); i++) {
                            body.append(all[i]);
                        }
                        if (n == 1) {
                            body.append("id: 2\nda"); // cut inside the next event
                        }
                        OutputStream out = s.getOutputStream();
                        out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                                + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        byte[] b = body.toString().getBytes(StandardCharsets.UTF_8);
                        out.write((Integer.toHexString(b.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(b);
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        if (n == 1) {
                            s.setSoLinger(true, 0); // close() now sends RST
                            continue;
                        }
                        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        return;
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "rst-server");
            serverThread.start();
            Recorder r = new Recorder();
            follower(URI.create("http://127.0.0.1:" + listener.getLocalPort())).follow("j1", null, r);
            serverThread.join(10_000);
            assertEquals(List.of(0L, 1L, 2L, 3L), r.seqs);
            assertEquals(2, headers.size());
            assertNull(headers.get(0));
            // after the RST the client asks for what follows the last event it really saw
            assertEquals(r.reconnectsAfter.get(0), headers.get(1));
        }
    }

    private static String readHead(Socket s) throws IOException {
        StringBuilder sb = new StringBuilder();
        var in = s.getInputStream();
        int c;
        while ((c = in.read()) >= 0) {
            sb.append((char) c);
            if (sb.length() >= 4 && sb.substring(sb.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        return sb.toString();
    }
}
