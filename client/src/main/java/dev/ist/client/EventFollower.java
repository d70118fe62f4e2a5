package dev.ist.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Follows a job's event stream to its terminal event, across dropped connections: each reconnect sends
 * {@code Last-Event-ID} (the id of the last complete event), waits with {@link Backoff} first, and events the
 * gateway sends again are dropped by their sequence number, so the listener sees every event exactly once. A stream
 * silent for longer than the idle timeout (the gateway sends a heartbeat comment every 15 s) counts as dropped.
 */
public final class EventFollower {

    /** What the follower reports. Calls come from the thread that called {@link #follow}. */
    public interface Listener {
        /** A new event (the JobEvent JSON), in sequence order, each once. */
        void onEvent(JsonNode event);

        /**
         * A {@code queue} push (no id, not a job event): {@code {"jobId","at","position","etaSeconds"}}, sent when
         * the job's place in the queue moves.
         */
        default void onQueue(JsonNode queue) {
        }

        /** The connection was lost; the next attempt starts after {@code delay}. */
        default void onReconnect(int attempt, Duration delay, String lastEventId, String reason) {
        }

        /**
         * Called about once a second while the stream is open (the queue position is polled from here). True asks
         * for a reconnect: the listener learnt that the job is ahead of the stream (its status shows a later
         * {@code lastSeq}), and a reconnect with Last-Event-ID makes the gateway replay what the stream missed.
         */
        default boolean onTick(long lastSeq) {
            return false;
        }
    }

    /** How following ended: the terminal event, or null when the gateway said 204 (already over, nothing missed). */
    public record Outcome(JsonNode terminal, String lastEventId, int reconnects) {
    }

    private static final Duration TICK = Duration.ofSeconds(1);

    private final GatewayClient client;
    private final Backoff backoff;
    private final Duration idleTimeout;
    private final Duration giveUpAfter;
    private final Clock clock;

    public EventFollower(GatewayClient client, Backoff backoff, Duration idleTimeout, Duration giveUpAfter,
                         Clock clock) {
        this.client = client;
        this.backoff = backoff;
        this.idleTimeout = idleTimeout;
        this.giveUpAfter = giveUpAfter;
        this.clock = clock;
    }

    public Outcome follow(String jobId, String afterId, Listener listener) throws InterruptedException {
        String lastId = afterId;
        long lastSeq = seqOf(afterId);
        int failures = 0;
        int reconnects = 0;
        Instant outageStart = null;
        Long serverRetry = null;
        while (true) {
            String reason;
            SseParser parser = new SseParser(lastId);
            try {
                Optional<InputStream> stream = client.events(jobId, lastId);
                if (stream.isEmpty()) {
                    return new Outcome(null, lastId, reconnects);
                }
                Connection c = new Connection(stream.get());
                try {
                    while (true) {
                        Object item = c.lines.poll(TICK.toMillis(), TimeUnit.MILLISECONDS);
                        if (item == null) {
                            if (listener.onTick(lastSeq)) {
                                reason = "the stream is behind the job (last event " + lastSeq + ")";
                                break;
                            }
                            if (Duration.between(c.lastLine, clock.instant()).compareTo(idleTimeout) > 0) {
                                reason = "no data or heartbeat for " + idleTimeout.toSeconds() + " s";
                                break;
                            }
                            continue;
                        }
                        if (item instanceof IOException e) {
                            reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                            break;
                        }
                        if (item == EOF) {
                            reason = "the stream ended before the job did";
                            break;
                        }
                        c.lastLine = clock.instant();
                        SseEvent e = parser.line((String) item);
                        if (parser.retryMillis() != null) {
                            serverRetry = parser.retryMillis();
                        }
                        if (e == null) {
                            continue;
                        }
                        if ("queue".equals(e.type())) {
                            listener.onQueue(parse(e));
                            continue;
                        }
                        JsonNode event = parse(e);
                        long seq = e.id() != null ? seqOf(e.id()) : event.path("seq").asLong(-1);
                        lastId = parser.lastEventId();
                        if (seq >= 0 && seq <= lastSeq) {
                            continue; // sent again after a reconnect
                        }
                        lastSeq = Math.max(lastSeq, seq);
                        failures = 0;
                        outageStart = null;
                        listener.onEvent(event);
                        if (isTerminal(event)) {
                            return new Outcome(event, lastId, reconnects);
                        }
                    }
                } finally {
                    c.close();
                }
            } catch (ProblemException p) {
                int s = p.problem().status();
                // 429 (too many streams) and 5xx pass; a 404 or 401 will not get better by asking again
                if (s != 429 && s < 500) {
                    throw p;
                }
                reason = p.problem().title();
                if (s == 429 && p.problem().retryAfter() != null) {
                    serverRetry = retryAfterMillis(p.problem().retryAfter(), serverRetry);
                }
            } catch (ClientException unreachable) {
                if (unreachable.exitCode() != ExitCodes.GATEWAY) {
                    throw unreachable;
                }
                reason = unreachable.getMessage();
            }
            failures++;
            Instant now = clock.instant();
            if (outageStart == null) {
                outageStart = now;
            } else if (Duration.between(outageStart, now).compareTo(giveUpAfter) > 0) {
                throw ClientException.unreachable("gave up following job " + jobId + " after " + failures
                        + " attempts over " + Duration.between(outageStart, now).toSeconds() + " s (" + reason
                        + "); it may still be running: ist status " + jobId, null);
            }
            Duration delay = backoff.delay(failures, serverRetry);
            reconnects++;
            listener.onReconnect(failures, delay, lastId, reason);
            Thread.sleep(delay.toMillis());
        }
    }

    static boolean isTerminal(JsonNode event) {
        return switch (event.path("type").asText()) {
            case "SUCCEEDED", "FAILED", "CANCELLED" -> true;
            default -> false;
        };
    }

    private static JsonNode parse(SseEvent e) {
        try {
            return GatewayClient.JSON.readTree(e.data());
        } catch (IOException bad) {
            throw ClientException.unreachable("the event stream carried an event that is not JSON (id " + e.id()
                    + "): " + bad.getMessage(), bad);
        }
    }

    private static long seqOf(String id) {
        if (id == null) {
            return -1;
        }
        try {
            return Long.parseLong(id.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Long retryAfterMillis(String retryAfter, Long fallback) {
        try {
            return Long.parseLong(retryAfter.trim()) * 1000;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static final Object EOF = new Object();

    /**
     * One open stream, read by a daemon thread into a queue so the follower can wait with a timeout (idle
     * detection, ticks) and be interrupted (Ctrl-C) while no byte arrives.
     */
    private final class Connection {
        final BlockingQueue<Object> lines = new LinkedBlockingQueue<>();
        final InputStream in;
        final Thread reader;
        Instant lastLine = clock.instant();

        Connection(InputStream in) {
            this.in = in;
            this.reader = new Thread(this::read, "ist-sse-reader");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
                lines.add(EOF);
            } catch (IOException e) {
                lines.add(e);
            }
        }

        void close() {
            GatewayClient.closeQuietly(in);
            reader.interrupt();
        }
    }
}
