package dev.ist.gateway.forked;

import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.JobEvent;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A client following a job's event stream in the background, as EventSource does: each dispatched event's id and
 * data are kept in arrival order until the server ends the stream or the connection breaks (a killed gateway).
 */
final class SseFollower {

    private final List<JobEvent> events = new CopyOnWriteArrayList<>();
    private final List<String> ids = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile int status;
    private volatile String endedBy = null;

    private SseFollower(URI uri, String lastEventId) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream")
                .header("X-Api-Key", ForkedGateway.KEY).GET();
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        HttpRequest request = b.build();
        thread = new Thread(() -> read(request), "sse-follower");
        thread.setDaemon(true);
    }

    /** Opens {@code GET /v1/jobs/{id}/events} on {@code base} (resuming after {@code lastEventId} unless null). */
    static SseFollower follow(URI base, String jobId, String lastEventId) {
        SseFollower f = new SseFollower(base.resolve("/v1/jobs/" + jobId + "/events"), lastEventId);
        f.thread.start();
        return f;
    }

    private void read(HttpRequest request) {
        // a client of its own: no pooled connection outlives the gateway it went to
        HttpClient http = HttpClient.newHttpClient();
        try {
            HttpResponse<InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            status = r.statusCode();
            String id = null;
            String name = null;
            StringBuilder data = new StringBuilder();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.isEmpty()) {
                        if (!data.isEmpty() && name == null) {
                            JobEvent e = JsonCodec.shared().decodeEvent(data.toString()
                                    .getBytes(StandardCharsets.UTF_8));
                            ids.add(id); // first: a reader that takes events() before ids() finds every id
                            events.add(e);
                        }
                        id = null;
                        name = null;
                        data.setLength(0);
                    } else if (line.startsWith("id:")) {
                        id = line.substring(3).trim();
                    } else if (line.startsWith("event:")) {
                        name = line.substring(6).trim();
                    } else if (line.startsWith("data:")) {
                        data.append(line.substring(5).stripLeading());
                    }
                }
            }
            endedBy = "the end of the stream";
        } catch (Exception e) {
            endedBy = e.toString();
        }
    }

    /** The events received so far, in arrival order. */
    List<JobEvent> events() {
        return List.copyOf(events);
    }

    /** The SSE id field of each event received, in arrival order. */
    List<String> ids() {
        return List.copyOf(ids);
    }

    /** The seq of the last event received, or -1. */
    long lastSeq() {
        List<JobEvent> e = events;
        return e.isEmpty() ? -1 : e.get(e.size() - 1).seq();
    }

    int status() {
        return status;
    }

    /** How the stream ended (null while it is open). */
    String endedBy() {
        return endedBy;
    }

    /** Polls until an event with seq >= {@code seq} arrived; fails if the stream ends first or after the timeout. */
    void awaitSeq(long seq, long timeoutSeconds) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (lastSeq() < seq) {
            if (endedBy != null && lastSeq() < seq) {
                throw new AssertionError("the stream ended (" + endedBy + ") at seq " + lastSeq() + ", before seq "
                        + seq + " (status " + status + ")");
            }
            if (System.nanoTime() > until) {
                throw new AssertionError("no event with seq " + seq + " within " + timeoutSeconds + " s; last "
                        + lastSeq());
            }
            Thread.sleep(20);
        }
    }

    /** Waits for the stream to end; fails after the timeout. */
    void awaitEnd(long timeoutSeconds) throws InterruptedException {
        thread.join(TimeUnit.SECONDS.toMillis(timeoutSeconds));
        if (thread.isAlive()) {
            throw new AssertionError("the stream did not end within " + timeoutSeconds + " s; last seq " + lastSeq());
        }
    }
}
