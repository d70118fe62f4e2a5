package dev.ist.gateway.api;

import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.JobEvent;
import dev.ist.gateway.config.GatewaySettings;
import dev.ist.gateway.metrics.GatewayMetrics;
import dev.ist.gateway.store.JobEventListener;
import dev.ist.gateway.store.JobStore;
import dev.ist.gateway.store.LiveEvents;
import dev.ist.gateway.store.QueueEstimator;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Open event streams: each one replays a job's events after the client's Last-Event-ID from the job store, then
 * follows the job on this replica's tail of the events topic ({@link LiveEvents}), and ends after the terminal event.
 * The tail listener is registered before the store is read and every stream drops what it has sent already (by
 * seq), so the hand-over from history to live neither loses nor repeats an event; a seq gap on the tail is filled
 * from the store. Where the store does not hold the gap yet (this replica's projector is behind its tail, as after a
 * restart while a killed replica's consumer still holds the projector group), the live events past the gap are held
 * back and the store is asked again every {@value #GAP_RETRY_MS} ms: an event past a gap is never sent, since the
 * client's Last-Event-ID would then skip the gap for good. A comment line every heartbeat interval keeps proxies from
 * cutting idle streams and reveals clients that went away.
 *
 * <p>Queue positions are pushed too: while a job is QUEUED its stream gets an event named {@code queue} (data
 * {@code {"jobId","at","position","etaSeconds"}}, no {@code id}, so Last-Event-ID keeps counting job events only)
 * when the stream opens and whenever its position or ETA moves: every {@code ist.gateway.sse.queue-interval} after the
 * tail read an event (and every few seconds regardless: a cancel or a new submission moves queues too), every queued
 * job's position is computed from one read of the queue.
 */
@Singleton
public class SseHub {

    private static final long TERMINAL_WAIT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    private static final long GAP_RETRY_MS = 100;
    /** Live events held back behind a gap per stream; beyond it the stream ends (the client resumes later). */
    private static final int MAX_HELD = 10_000;
    private static final long QUEUE_REFRESH_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(3);
    /**
     * A stream is not ended sooner than this after it opened. Quarkus REST registers a close handler on the response
     * after the resource method returns, on a response that must still be open: a stream ended before that (a
     * finished job's replay, a client gone at once) made it log "Response has already been written" as an error.
     */
    private static final long MIN_OPEN_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

    private final JobStore store;
    private final LiveEvents live;
    private final QueueEstimator queueEstimator;
    private final GatewayMetrics metrics;
    private final GatewaySettings settings;
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> perOwner = new ConcurrentHashMap<>();
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ist-sse-heartbeat");
        t.setDaemon(true);
        return t;
    });

    // terminal events from the tail wait here until the store has them (never on the tail's or the heartbeat thread)
    private final java.util.concurrent.ExecutorService terminalWaits = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "ist-sse-terminal");
        t.setDaemon(true);
        return t;
    });

    private long queueVersionPushed = -1;
    private long queuePushedAt = System.nanoTime();

    public SseHub(JobStore store, LiveEvents live, QueueEstimator queueEstimator, GatewayMetrics metrics,
                  GatewaySettings settings) {
        this.store = store;
        this.live = live;
        this.queueEstimator = queueEstimator;
        this.metrics = metrics;
        this.settings = settings;
        long every = Math.max(1, settings.sse().heartbeat().toMillis());
        heartbeats.scheduleAtFixedRate(this::beat, every, every, TimeUnit.MILLISECONDS);
        long queueEvery = Math.max(10, settings.sse().queueInterval().toMillis());
        heartbeats.scheduleWithFixedDelay(this::pushQueuePositions, queueEvery, queueEvery, TimeUnit.MILLISECONDS);
        heartbeats.scheduleWithFixedDelay(this::fillGaps, GAP_RETRY_MS, GAP_RETRY_MS, TimeUnit.MILLISECONDS);
    }

    /** On the scheduler thread: sends each queued job's stream its position when it moved since the last push. */
    private void pushQueuePositions() {
        try {
            long version = live.seen();
            boolean stale = System.nanoTime() - queuePushedAt > QUEUE_REFRESH_NANOS;
            if ((version == queueVersionPushed && !stale) || sessions.isEmpty()) {
                return;
            }
            queueVersionPushed = version;
            queuePushedAt = System.nanoTime();
            Map<String, QueueEstimator.Queue> positions = queueEstimator.all();
            for (Session s : sessions) {
                s.queue(positions.get(s.jobId));
            }
        } catch (RuntimeException e) {
            // a bad moment must not stop the scheduler (it also sends the heartbeats)
            org.jboss.logging.Logger.getLogger(SseHub.class).warnf("queue position push failed: %s", e.toString());
        }
    }

    /**
     * Opens a stream of {@code jobId}'s events after {@code afterSeq} for {@code owner} (the caller checked the job
     * exists and is theirs). Beyond {@code ist.gateway.limits.max-streams-per-key} open streams of one owner: 429.
     */
    public boolean open(String owner, String jobId, long afterSeq, SseEventSink sink, Sse sse) {
        AtomicInteger count = perOwner.computeIfAbsent(owner, o -> new AtomicInteger());
        int max = settings.limits().maxStreamsPerKey();
        if (count.incrementAndGet() > max) {
            count.decrementAndGet();
            throw new ProblemException(429, "too-many-streams", "Too many event streams",
                    "this key has " + max + " event streams open; close one (or follow jobs with GET /v1/jobs)",
                    List.of(), "rate_limited").with("limit", max).retryAfter(5);
        }
        Session session = new Session(owner, jobId, sink, sse, afterSeq);
        synchronized (session) {
            // listen first, then read the history: an event in between arrives twice and is sent once
            live.subscribe(jobId, session);
            List<JobEvent> replay;
            try {
                replay = store.eventsAfter(jobId, afterSeq);
            } catch (RuntimeException e) {
                live.unsubscribe(jobId, session);
                count.decrementAndGet();
                throw e;
            }
            sessions.add(session);
            metrics.sseOpened();
            // through the session: a client gone already ends its session, not this request (whose response has
            // begun: an error here could only be logged as an unexpected one)
            session.send(sse.newEventBuilder()
                    .comment("events of job " + jobId)
                    .reconnectDelay(settings.sse().retry().toMillis())
                    .build(), false);
            for (JobEvent e : replay) {
                session.sendEvent(e);
            }
        }
        try {
            session.queue(queueEstimator.all().get(jobId));
        } catch (RuntimeException e) {
            // the first queue push waits for the next tick; the stream itself is open
        }
        return true;
    }

    /** On the scheduler thread: streams holding live events behind a gap ask the store for it again. */
    private void fillGaps() {
        for (Session s : sessions) {
            try {
                s.fillGap();
            } catch (RuntimeException e) {
                // the store is down: asked again on the next tick
            }
        }
    }

    private void beat() {
        for (Session s : sessions) {
            s.heartbeat();
        }
    }

    @PreDestroy
    void shutdown() {
        heartbeats.shutdownNow();
        terminalWaits.shutdownNow();
        for (Session s : sessions) {
            s.close();
        }
    }

    private final class Session implements JobEventListener {

        private final String owner;
        private final String jobId;
        private final SseEventSink sink;
        private final Sse sse;
        private long lastSent;
        /** Live events past a gap the store could not fill yet, by seq. */
        private final java.util.TreeMap<Long, JobEvent> held = new java.util.TreeMap<>();
        private volatile boolean closed;
        private QueueEstimator.Queue lastQueue;
        private final long openedAt = System.nanoTime();

        Session(String owner, String jobId, SseEventSink sink, Sse sse, long afterSeq) {
            this.owner = owner;
            this.jobId = jobId;
            this.sink = sink;
            this.sse = sse;
            this.lastSent = afterSeq;
        }

        /**
         * From the live tail. A terminal event goes out once the job store has it too, so a client that saw a stream
         * end and then reads the job gets the final state, not the moment before the projector wrote it.
         */
        @Override
        public void onEvent(JobEvent e) {
            if (!e.isTerminal()) {
                deliver(e);
                return;
            }
            try {
                terminalWaits.execute(() -> {
                    awaitStored(e);
                    deliver(e);
                });
            } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
                deliver(e);
            }
        }

        private void awaitStored(JobEvent e) {
            long until = System.nanoTime() + TERMINAL_WAIT_NANOS;
            try {
                while (System.nanoTime() < until && !closed) {
                    boolean stored = store.find(jobId)
                            .map(s -> s.lastSeq() >= e.seq() || s.state().isTerminal()).orElse(false);
                    if (stored) {
                        return;
                    }
                    Thread.sleep(20);
                }
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException storeDown) {
                // the event goes out as it is; the store shows it once the projector can write again
            }
        }

        /**
         * An event past a gap first sends what the store holds in the gap; if the gap stays open, the event is held
         * back, and {@link #fillGap()} sends it once the store has the gap.
         */
        private synchronized void deliver(JobEvent e) {
            if (closed || e.seq() <= lastSent) {
                return;
            }
            if (held.isEmpty() && e.seq() > lastSent + 1) {
                boolean filled;
                try {
                    filled = fillFromStore(e.seq());
                } catch (RuntimeException storeDown) {
                    filled = false;
                }
                if (filled) {
                    sendEvent(e);
                    return;
                }
            } else if (held.isEmpty()) {
                sendEvent(e);
                return;
            }
            held.put(e.seq(), e);
            if (held.size() > MAX_HELD) {
                close(); // the client reconnects with Last-Event-ID and gets the rest from the store
            }
        }

        /** On the scheduler: the held events, in order, as far as the store now fills the gaps before them. */
        synchronized void fillGap() {
            while (!closed && !held.isEmpty()) {
                long next = held.firstKey();
                if (next > lastSent + 1 && !fillFromStore(next)) {
                    return;
                }
                sendEvent(held.pollFirstEntry().getValue());
            }
        }

        /**
         * Sends what the store holds after the last event sent and before {@code before}, without a gap; true when
         * nothing before {@code before} is missing any more, or the store already holds {@code before} or a later
         * event (its projector is past the gap: those seqs never came, and waiting would not bring them).
         */
        private boolean fillFromStore(long before) {
            List<JobEvent> stored = store.eventsAfter(jobId, lastSent);
            boolean storePast = !stored.isEmpty() && stored.get(stored.size() - 1).seq() >= before;
            for (JobEvent missed : stored) {
                if (missed.seq() >= before || (missed.seq() > lastSent + 1 && !storePast)) {
                    break;
                }
                sendEvent(missed);
            }
            return storePast || lastSent + 1 >= before;
        }

        synchronized void sendEvent(JobEvent e) {
            if (closed || e.seq() <= lastSent) {
                return;
            }
            lastSent = e.seq();
            OutboundSseEvent out = sse.newEventBuilder()
                    .id(Long.toString(e.seq()))
                    .mediaType(MediaType.TEXT_PLAIN_TYPE)
                    .data(String.class, JsonCodec.shared().encodeToString(e))
                    .build();
            send(out, e.isTerminal());
        }

        /**
         * Sends one event; a failed send, or {@code closeAfter}, ends the session. A sink the client already closed
         * throws instead of failing the future: that must end this session only, not stop the job's other streams
         * (the caller is the job's listener loop).
         */
        private void send(OutboundSseEvent out, boolean closeAfter) {
            try {
                sink.send(out).whenComplete((ok, err) -> {
                    if (err != null || closeAfter) {
                        close();
                    }
                });
            } catch (RuntimeException gone) {
                close();
            }
        }

        /** Sends {@code queue} (null: the job is not queued) unless it is what this stream was last told. */
        synchronized void queue(QueueEstimator.Queue queue) {
            if (closed || queue == null || queue.equals(lastQueue)) {
                return;
            }
            lastQueue = queue;
            Map<String, Object> data = new java.util.LinkedHashMap<>();
            data.put("jobId", jobId);
            data.put("at", java.time.Instant.now().toString());
            data.put("position", queue.position());
            if (queue.etaSeconds() != null) {
                data.put("etaSeconds", queue.etaSeconds());
            }
            send(sse.newEventBuilder()
                    .name("queue")
                    .mediaType(MediaType.TEXT_PLAIN_TYPE)
                    .data(String.class, JsonCodec.shared().encodeToString(data))
                    .build(), false);
        }

        synchronized void heartbeat() {
            if (closed) {
                return;
            }
            if (sink.isClosed()) {
                close();
                return;
            }
            send(sse.newEventBuilder().comment("keep-alive").build(), false);
        }

        void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            long tooSoon = MIN_OPEN_NANOS - (System.nanoTime() - openedAt);
            if (tooSoon > 0) {
                try {
                    heartbeats.schedule(this::release, tooSoon, TimeUnit.NANOSECONDS);
                    return;
                } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
                    // released below
                }
            }
            if (Thread.holdsLock(this)) {
                // called from inside this session's lock (a failed send, or from the tail's delivery loop):
                // leaving the tail's listeners happens on the scheduler
                try {
                    heartbeats.execute(this::release);
                    return;
                } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
                    // the hub is shutting down: nobody delivers events any more, release here
                }
            }
            release();
        }

        private void release() {
            live.unsubscribe(jobId, this);
            if (sessions.remove(this)) {
                metrics.sseClosed();
                perOwner.get(owner).decrementAndGet();
            }
            try {
                sink.close();
            } catch (RuntimeException ignored) {
                // the client is already gone
            }
        }
    }
}
