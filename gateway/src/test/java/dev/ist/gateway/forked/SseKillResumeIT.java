package dev.ist.gateway.forked;

import dev.ist.common.Topics;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.EventType;
import dev.ist.common.event.JobEvent;
import dev.ist.common.event.Losses;
import dev.ist.common.event.Progress;
import dev.ist.testkit.KafkaBroker;
import dev.ist.testkit.S3Server;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client follows a job's event stream on a gateway process that is then killed with kill -9 while the job's events
 * keep arriving on the events topic (published here, as a worker publishes them); a new gateway process starts on the
 * same database and broker, and the client resumes there with Last-Event-ID. Across the two streams the client has
 * every event of the job exactly once, in seq order, up to the terminal one: no gap, no repeat.
 */
class SseKillResumeIT {

    private static final String WORKER = "sse-kill-worker";

    @Test
    void aStreamResumedOnANewGatewayAfterKillMinus9HasEveryEventOnce() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Topics topics = ForkedGateway.newTopics(run);
        String bucket = "fk-" + run;
        S3Server.shared().createBucket(bucket);
        String db = ForkedGateway.newDatabase("ssekill");
        // the second process joins the projector group the killed one was in, as a restarted replica does
        Map<String, String> extra = Map.of(
                "ist.gateway.projector.consumer-group", "fk-projector-" + run,
                "ist.gateway.webhooks.consumer-group", "fk-webhooks-" + run);

        AtomicLong nextSeq = new AtomicLong(1);
        AtomicBoolean keepPublishing = new AtomicBoolean(true);
        try (KafkaProducer<String, byte[]> producer = KafkaBroker.shared().newProducer()) {
            String id;
            SseFollower first;
            try (ForkedGateway a = ForkedGateway.start("sse-a", topics, bucket, "256m", db, extra)) {
                id = ForkedApi.submitted(a.base, "{\"size\":64,\"iterations\":1000}");
                first = SseFollower.follow(a.base, id, null);
                publish(producer, topics, JobEvent.running(id, nextSeq.getAndIncrement(), Instant.now(), WORKER,
                        Map.of("queueWait", 5L)));
                while (nextSeq.get() <= 10) {
                    publish(producer, topics, progress(id, nextSeq.getAndIncrement()));
                }
                first.awaitSeq(10, 60);

                // events keep coming while the gateway dies and another one starts
                Thread worker = new Thread(() -> {
                    try {
                        while (keepPublishing.get()) {
                            publish(producer, topics, progress(id, nextSeq.getAndIncrement()));
                            Thread.sleep(50);
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, "stand-in-publisher");
                worker.setDaemon(true);
                worker.start();
                // let some events go out live on the first stream before the kill
                first.awaitSeq(15, 60);
                a.kill();
                first.awaitEnd(30);
                assertTrue(!a.alive(), "the first gateway is dead");

                try (ForkedGateway b = ForkedGateway.start("sse-b", topics, bucket, "256m", db, extra)) {
                    long lastSeen = first.lastSeq();
                    long publishedBeforeResume = nextSeq.get() - 1;
                    Reconnecting resumed = new Reconnecting(b, id, lastSeen);
                    // the resumed stream catches up with what it missed, then gets live events
                    resumed.awaitSeq(publishedBeforeResume + 10, 180);
                    keepPublishing.set(false);
                    worker.join(10_000);
                    long terminal = nextSeq.getAndIncrement();
                    publish(producer, topics, JobEvent.succeeded(id, terminal, Instant.now(), WORKER,
                            progress(id, terminal).progress(), "jobs/" + id + "/result.png", null,
                            Map.of("total", 1000L)));
                    resumed.awaitEnd(120);

                    List<Long> seen = new ArrayList<>();
                    first.events().forEach(e -> seen.add(e.seq()));
                    resumed.events().forEach(e -> seen.add(e.seq()));
                    System.out.printf("[sse kill -9] first stream: seq 0..%d; killed; resumed on a new process "
                                    + "after %d: %d events up to %d in %d connection(s) (%d published before the "
                                    + "resume)%n", lastSeen, lastSeen, resumed.events().size(),
                            resumed.events().isEmpty() ? -1 : resumed.events().get(resumed.events().size() - 1).seq(),
                            resumed.connections(), publishedBeforeResume);
                    assertTrue(lastSeen < publishedBeforeResume, "events were published after the last one the "
                            + "first stream delivered (" + lastSeen + " < " + publishedBeforeResume + ")");
                    assertEquals(LongStream.rangeClosed(0, terminal).boxed().toList(), seen,
                            "every event once, in seq order, across the kill -9 and the resume");
                    assertEquals(EventType.SUCCEEDED, resumed.events().get(resumed.events().size() - 1).type());
                    List<String> expectedIds = first.events().stream().map(e -> Long.toString(e.seq())).toList();
                    assertEquals(expectedIds, first.ids(), "each SSE id is the event's seq");
                    // and the job store of the new process has the whole job
                    assertEquals(terminal, ForkedApi.awaitStatus(b.base, id, "SUCCEEDED", Duration.ofSeconds(90))
                            .path("lastSeq").asLong());
                }
            } finally {
                keepPublishing.set(false);
            }
        }
    }

    private static JobEvent progress(String id, long seq) {
        int iteration = (int) Math.min(seq, 1000);
        return JobEvent.progress(id, seq, Instant.now(), WORKER, new Progress(iteration, 1000, 0, 1, 64, 48,
                new Losses(1.0 / seq, 2.0 / seq, 0, 3.0 / seq), seq * 10, null));
    }

    private static void publish(KafkaProducer<String, byte[]> producer, Topics topics, JobEvent e) throws Exception {
        producer.send(new ProducerRecord<>(topics.events(), e.jobId(), JsonCodec.shared().encode(e)))
                .get(30, TimeUnit.SECONDS);
    }

    /**
     * What EventSource (and the CLI's follower) does: when a stream ends before the job's terminal event, connect
     * again after a short delay with Last-Event-ID = the last event received, until the terminal event or a 204.
     */
    private static final class Reconnecting {

        private final List<JobEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final java.util.concurrent.atomic.AtomicInteger connections =
                new java.util.concurrent.atomic.AtomicInteger();
        private final Thread thread;
        private volatile String failure;

        Reconnecting(ForkedGateway g, String id, long lastSeq) {
            thread = new Thread(() -> {
                long last = lastSeq;
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
                try {
                    while (System.nanoTime() < until) {
                        connections.incrementAndGet();
                        SseFollower f = SseFollower.follow(g.base, id, Long.toString(last));
                        int taken = 0;
                        while (true) {
                            boolean over = f.endedBy() != null; // read before the events: none is left behind
                            List<JobEvent> got = f.events();
                            List<String> ids = f.ids();
                            for (; taken < got.size(); taken++) {
                                JobEvent e = got.get(taken);
                                if (!Long.toString(e.seq()).equals(ids.get(taken))) {
                                    failure = "SSE id " + ids.get(taken) + " carries event seq " + e.seq();
                                    return;
                                }
                                events.add(e);
                                last = e.seq();
                            }
                            if (over) {
                                break;
                            }
                            Thread.sleep(20);
                        }
                        boolean ended = !events.isEmpty() && events.get(events.size() - 1).isTerminal();
                        if (ended || f.status() == 204) {
                            return;
                        }
                        if (f.status() != 200) {
                            failure = "a reconnect was answered " + f.status();
                            return;
                        }
                        Thread.sleep(300); // the retry delay of an EventSource
                    }
                    failure = "no terminal event within 240 s";
                } catch (Exception | AssertionError e) {
                    failure = e.toString();
                }
            }, "sse-reconnecting");
            thread.setDaemon(true);
            thread.start();
        }

        List<JobEvent> events() {
            return List.copyOf(events);
        }

        int connections() {
            return connections.get();
        }

        void awaitSeq(long seq, long timeoutSeconds) throws InterruptedException {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            while (events.isEmpty() || events.get(events.size() - 1).seq() < seq) {
                if (failure != null || !thread.isAlive()) {
                    throw new AssertionError("the resumed client stopped before seq " + seq + ": " + failure
                            + "; received " + events.stream().map(JobEvent::seq).toList());
                }
                if (System.nanoTime() > until) {
                    throw new AssertionError("no event with seq " + seq + " within " + timeoutSeconds + " s");
                }
                Thread.sleep(20);
            }
        }

        void awaitEnd(long timeoutSeconds) throws InterruptedException {
            thread.join(TimeUnit.SECONDS.toMillis(timeoutSeconds));
            if (thread.isAlive()) {
                throw new AssertionError("the resumed client did not see the job end within " + timeoutSeconds + " s");
            }
            if (failure != null) {
                throw new AssertionError(failure);
            }
        }
    }
}
