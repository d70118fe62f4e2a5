package dev.ist.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.Console;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * After a submit: follows the job (events, queue position polled while queued, Ctrl-C), then saves the result of a
 * job that succeeded. Returns the exit code.
 */
final class FollowSession {

    static final Duration QUEUE_POLL = Duration.ofSeconds(2);
    static final Duration STALE_CHECK = Duration.ofSeconds(5);

    private final GatewayClient client;
    private final FollowOutput display;
    private final String id;
    private final boolean interactive;
    private final AtomicReference<JobProgress> state;
    private final AtomicBoolean done = new AtomicBoolean();

    FollowSession(GatewayClient client, FollowOutput display, String id, boolean interactive) {
        this.client = client;
        this.display = display;
        this.id = id;
        this.interactive = interactive;
        this.state = new AtomicReference<>(JobProgress.queued(id));
    }

    int run(GatewayClient.Submitted submitted, boolean follow, Path output, PrintStream err)
            throws InterruptedException {
        state.set(state.get().withStatus(submitted.job()));
        JsonNode finished = null;
        if (submitted.status() == 201) {
            finished = submitted.job();
        } else if (!follow) {
            return ExitCodes.OK;
        }
        if (finished == null) {
            installInterruptHandling();
            display.progress(state.get(), null);
            EventFollower follower = new EventFollower(client,
                    new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), new Random()),
                    Duration.ofSeconds(45), Duration.ofMinutes(10), Clock.systemUTC());
            EventFollower.Outcome outcome = follower.follow(id, null, new Listener());
            done.set(true);
            display.finish();
            // 204: over before we looked; the job object says how
            finished = client.job(id);
            if (outcome.terminal() != null) {
                state.set(state.get().with(outcome.terminal()));
            }
        } else {
            done.set(true);
        }
        String status = finished.path("status").asText();
        state.set(state.get().withStatus(finished).with(statusAsEvent(finished)));
        if ("SUCCEEDED".equals(status)) {
            ResultDownloader.Saved saved = new ResultDownloader(client).save(id, output);
            display.result(id, saved.file(), saved.bytes());
            return ExitCodes.OK;
        }
        if ("FAILED".equals(status) || "CANCELLED".equals(status)) {
            String why = state.get().failure();
            throw new ClientException(ExitCodes.JOB_FAILED, "job " + id + " " + status
                    + (why == null ? "" : ": " + why));
        }
        return ExitCodes.OK;
    }

    /** The job object's status and failure as an event, so one fold gives the final state. */
    private static JsonNode statusAsEvent(JsonNode job) {
        var n = GatewayClient.JSON.createObjectNode();
        n.put("type", job.path("status").asText());
        if (job.has("failure")) {
            n.set("failure", job.get("failure"));
        }
        return n;
    }

    private void installInterruptHandling() {
        Console console = System.console();
        CancelOnInterrupt policy = new CancelOnInterrupt(id, done::get,
                interactive && console != null ? question -> {
                    synchronized (display) {
                        display.finish();
                        return console.readLine("%s", question);
                    }
                } : null,
                () -> client.cancel(id),
                text -> display.note(id, text),
                code -> {
                    display.finish();
                    Runtime.getRuntime().halt(flushAndReturn(code));
                });
        Signals.onInterrupt(policy::onInterrupt);
        Runtime.getRuntime().addShutdownHook(new Thread(policy::onShutdown, "ist-shutdown"));
    }

    private static int flushAndReturn(int code) {
        System.out.flush();
        System.err.flush();
        return code;
    }

    private final class Listener implements EventFollower.Listener {
        private Instant lastPoll = Instant.now();
        private Instant lastEvent = Instant.now();
        private long awaitedSeq = -1;

        @Override
        public void onEvent(JsonNode event) {
            lastEvent = Instant.now();
            JobProgress next = state.updateAndGet(p -> p.with(event));
            display.progress(next, event);
        }

        @Override
        public void onQueue(JsonNode queue) {
            JobProgress p = state.get();
            if (!"QUEUED".equals(p.status())) {
                return; // a push that raced the job's start
            }
            JsonNode asJob = GatewayClient.JSON.createObjectNode().put("status", "QUEUED").set("queue", queue);
            JobProgress next = state.updateAndGet(s -> s.withStatus(asJob));
            display.progress(next, null);
        }

        @Override
        public void onReconnect(int attempt, Duration delay, String lastEventId, String reason) {
            display.reconnecting(id, attempt, delay, lastEventId, reason);
        }

        @Override
        public boolean onTick(long lastSeq) {
            JobProgress p = state.get();
            Instant now = Instant.now();
            boolean queued = "QUEUED".equals(p.status());
            // queued: the position moves without events; running: a quiet stream is checked against the job, as a
            // stream can miss live events the gateway has (they come again on a reconnect, from Last-Event-ID)
            Duration every = queued ? QUEUE_POLL : STALE_CHECK;
            if (Duration.between(lastPoll, now).compareTo(every) < 0
                    || (!queued && Duration.between(lastEvent, now).compareTo(STALE_CHECK) < 0)) {
                return false;
            }
            lastPoll = now;
            JsonNode job;
            try {
                job = client.job(id);
            } catch (ClientException e) {
                return false; // the event stream reports a gateway that went away
            }
            if (queued) {
                JobProgress next = state.updateAndGet(s -> s.withStatus(job));
                if (next.position() != p.position() || !java.util.Objects.equals(next.etaSeconds(), p.etaSeconds())) {
                    display.progress(next, null);
                }
            }
            // behind on two polls in a row: an event in flight at the first one has had its chance to arrive
            boolean behind = awaitedSeq >= 0 && lastSeq < awaitedSeq;
            long jobSeq = job.path("lastSeq").asLong(-1);
            awaitedSeq = jobSeq > lastSeq ? jobSeq : -1;
            if (behind) {
                awaitedSeq = -1;
            }
            return behind;
        }
    }
}
