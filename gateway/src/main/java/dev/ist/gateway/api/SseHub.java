package dev.ist.gateway.api;

import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.JobEvent;
import dev.ist.gateway.config.GatewaySettings;
import dev.ist.gateway.metrics.GatewayMetrics;
import dev.ist.gateway.view.JobEventListener;
import dev.ist.gateway.view.JobView;
import dev.ist.gateway.view.QueueEstimator;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Open event streams: each one replays a job's events after the client's Last-Event-ID, then follows the job
 * live, and ends after the terminal event. A comment line every heartbeat interval keeps proxies from cutting idle
 * streams and reveals clients that went away.
 *
 * <p>Queue positions are pushed too: while a job is QUEUED its stream gets an event named {@code queue} (data
 * {@code {"jobId","at","position","etaSeconds"}}, no {@code id}, so Last-Event-ID keeps counting job events only)
 * when the stream opens and whenever its position or ETA moves: the view's queue version is checked every
 * {@code ist.gateway.sse.queue-interval}, and on a change every queued job's position is computed in one pass.
 */
@Singleton
public class SseHub {

    private final JobView view;
    private final GatewayMetrics metrics;
    private final GatewaySettings settings;
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> perOwner = new ConcurrentHashMap<>();
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ist-sse-heartbeat");
        t.setDaemon(true);
        return t;
    });

    private long queueVersionPushed = -1;

    public SseHub(JobView view, GatewayMetrics metrics, GatewaySettings settings) {
        this.view = view;
        this.metrics = metrics;
        this.settings = settings;
        long every = Math.max(1, settings.sse().heartbeat().toMillis());
        heartbeats.scheduleAtFixedRate(this::beat, every, every, TimeUnit.MILLISECONDS);
        long queueEvery = Math.max(10, settings.sse().queueInterval().toMillis());
        heartbeats.scheduleWithFixedDelay(this::pushQueuePositions, queueEvery, queueEvery, TimeUnit.MILLISECONDS);
    }

    /** On the scheduler thread: sends each queued job's stream its position when it moved since the last push. */
    private void pushQueuePositions() {
        try {
            long version = view.queueVersion();
            if (version == queueVersionPushed || sessions.isEmpty()) {
                return;
            }
            queueVersionPushed = version;
            Map<String, QueueEstimator.Queue> positions = new QueueEstimator(view).all();
            for (Session s : sessions) {
                s.queue(positions.get(s.jobId));
            }
        } catch (RuntimeException e) {
            // a bad moment must not stop the scheduler (it also sends the heartbeats)
            org.jboss.logging.Logger.getLogger(SseHub.class).warnf("queue position push failed: %s", e.toString());
        }
    }

    /**
     * Opens a stream of {@code jobId}'s events after {@code afterSeq} for {@code owner}; false when the job is
     * unknown. Beyond {@code ist.gateway.limits.max-streams-per-key} open streams of one owner: 429.
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
            Optional<List<JobEvent>> replay = view.subscribe(jobId, afterSeq, session);
            if (replay.isEmpty()) {
                count.decrementAndGet();
                return false;
            }
            sessions.add(session);
            metrics.sseOpened();
            sink.send(sse.newEventBuilder()
                    .comment("events of job " + jobId)
                    .reconnectDelay(settings.sse().retry().toMillis())
                    .build());
            for (JobEvent e : replay.get()) {
                session.onEvent(e);
            }
        }
        // outside the session's lock: the estimate reads every job's entry, and an entry delivering an event holds
        // its own lock while it waits for the session's (lock order entry -> session, never the reverse)
        session.queue(new QueueEstimator(view).all().get(jobId));
        return true;
    }

    public int openStreams() {
        return sessions.size();
    }

    private void beat() {
        for (Session s : sessions) {
            s.heartbeat();
        }
    }

    @PreDestroy
    void shutdown() {
        heartbeats.shutdownNow();
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
        private boolean closed;
        private QueueEstimator.Queue lastQueue;

        Session(String owner, String jobId, SseEventSink sink, Sse sse, long afterSeq) {
            this.owner = owner;
            this.jobId = jobId;
            this.sink = sink;
            this.sse = sse;
            this.lastSent = afterSeq;
        }

        @Override
        public synchronized void onEvent(JobEvent e) {
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
            if (Thread.holdsLock(this)) {
                // called from inside this session's lock (a failed send): leaving the job's listeners takes the
                // entry's lock, so it happens on the scheduler, keeping the lock order entry -> session
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
            view.unsubscribe(jobId, this);
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
