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

        @Override
        public void onEvent(JsonNode event) {
            JobProgress next = state.updateAndGet(p -> p.with(event));
            display.progress(next, event);
        }

        @Override
        public void onReconnect(int attempt, Duration delay, String lastEventId, String reason) {
            display.reconnecting(id, attempt, delay, lastEventId, reason);
        }

        @Override
        public void onTick() {
            JobProgress p = state.get();
            Instant now = Instant.now();
            if (!"QUEUED".equals(p.status()) || Duration.between(lastPoll, now).compareTo(QUEUE_POLL) < 0) {
                return;
            }
            lastPoll = now;
            try {
                JsonNode job = client.job(id);
                JobProgress next = state.updateAndGet(s -> s.withStatus(job));
                if (next.position() != p.position() || !java.util.Objects.equals(next.etaSeconds(), p.etaSeconds())) {
                    display.progress(next, null);
                }
            } catch (ClientException e) {
                // the event stream reports a gateway that went away; a missed position is no reason to stop
            }
        }
    }
}
