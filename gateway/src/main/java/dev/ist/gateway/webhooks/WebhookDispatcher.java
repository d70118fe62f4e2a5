package dev.ist.gateway.webhooks;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import dev.ist.gateway.kafka.KafkaAccess;
import dev.ist.common.Topics;
import dev.ist.common.codec.InvalidMessageException;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.EventType;
import dev.ist.common.event.JobEvent;
import dev.ist.common.job.WebhookSpec;
import dev.ist.gateway.api.JobResponse;
import dev.ist.gateway.store.JobSnapshot;
import dev.ist.gateway.store.JobStore;
import dev.ist.gateway.store.JobStoreUnavailableException;
import dev.ist.common.TopicReaderConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.utils.Utils;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Turns job events into webhook deliveries. The dispatchers of all gateway replicas share one consumer group on the
 * events topic, so each event is read by one of them (one delivery series per event); a delivery is recorded in
 * storage before the event's offset is committed, and retried by whichever replica owns the job's events partition
 * (pending deliveries are found again through their storage markers after a restart or a rebalance).
 */
public final class WebhookDispatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class);

    private final WebhookSettings settings;
    private final JobStore store;
    private final WebhookLog log;
    private final WebhookSigner signer;
    private final WebhookAddressGuard guard;
    private final PinnedPoster poster;
    private final Topics topics;
    private final KafkaConsumer<String, byte[]> consumer;
    private final JsonCodec codec = JsonCodec.shared();
    private final ScheduledExecutorService attempts = Executors.newScheduledThreadPool(2, r -> daemon(r,
            "ist-webhook-attempt"));
    private final Set<String> scheduled = ConcurrentHashMap.newKeySet();
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private final Map<String, Instant> lastProgress = new ConcurrentHashMap<>();
    private volatile int partitions;
    private volatile boolean running = true;
    private Thread thread;
    private KafkaAccess access = new KafkaAccess(null);

    /** How log lines, the metric and readiness name this client. */
    static final String CLIENT = "webhooks";

    public WebhookDispatcher(WebhookSettings settings, JobStore store, WebhookLog log, WebhookSigner signer,
                             WebhookAddressGuard guard, Topics topics, dev.ist.common.kafka.KafkaClientConfig kafka) {
        this.settings = settings;
        this.store = store;
        this.log = log;
        this.signer = signer;
        this.guard = guard;
        this.topics = topics;
        this.poster = new PinnedPoster(settings.timeout());
        Map<String, Object> c = TopicReaderConfig.fromStart(kafka);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, settings.consumerGroup());
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200);
        this.consumer = new KafkaConsumer<>(c);
    }

    /** Who hears of refused logins and missing ACLs (the gateway's readiness); the dispatcher waits them out. */
    public WebhookDispatcher watchedBy(KafkaAccess access) {
        this.access = access;
        return this;
    }

    public synchronized void start() {
        thread = daemon(this::run, "ist-webhook-dispatcher");
        thread.start();
        long every = settings.rescan().toMillis();
        attempts.scheduleWithFixedDelay(this::rescan, every, every, TimeUnit.MILLISECONDS);
    }

    private void run() {
        try {
            consumer.subscribe(List.of(topics.events()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
                    revoked.forEach(p -> owned.remove(p.partition()));
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
                    assigned.forEach(p -> owned.add(p.partition()));
                    attempts.execute(WebhookDispatcher.this::rescan);
                }
            });
            while (running) {
                if (partitions == 0) {
                    try {
                        List<PartitionInfo> infos = consumer.partitionsFor(topics.events(), Duration.ofSeconds(5));
                        partitions = infos == null ? 0 : infos.size();
                    } catch (org.apache.kafka.common.errors.TimeoutException e) {
                        continue; // Kafka not there yet
                    } catch (KafkaException e) {
                        if (access.waitOut(CLIENT, e, () -> running)) {
                            continue; // a refused login or ACL: retried, the gateway not ready meanwhile
                        }
                        throw e;
                    }
                }
                // a refused login or ACL: no records, retried, the gateway not ready meanwhile
                ConsumerRecords<String, byte[]> records = access.poll(CLIENT, consumer, Duration.ofMillis(200),
                        () -> running);
                Map<TopicPartition, Long> done = new HashMap<>();
                boolean stalled = false;
                for (ConsumerRecord<String, byte[]> r : records) {
                    try {
                        onRecord(r);
                    } catch (JobStoreUnavailableException e) {
                        // the body needs the job's row: read these events again once the database is back
                        LOG.warnf("webhooks wait for the job database: %s", e.getMessage());
                        stalled = true;
                        break;
                    } catch (RuntimeException e) {
                        // one bad record (or a storage hiccup) must not stop every job's webhooks
                        LOG.warnf("webhook of the record at %s-%d@%d not prepared: %s", r.topic(), r.partition(),
                                r.offset(), e.toString());
                    }
                    done.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
                }
                if (stalled) {
                    for (TopicPartition tp : records.partitions()) {
                        consumer.seek(tp, done.getOrDefault(tp, records.records(tp).get(0).offset()));
                    }
                }
                if (!records.isEmpty()) {
                    commit();
                }
                if (stalled) {
                    sleep(1000);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.errorf("the webhook dispatcher stopped: %s", e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    // only after every delivery of the batch is recorded in storage; a commit lost to a rebalance means the new
    // owner re-reads those events and finds their deliveries recorded already
    private void commit() {
        try {
            consumer.commitSync();
        } catch (org.apache.kafka.clients.consumer.CommitFailedException
                 | org.apache.kafka.common.errors.RebalanceInProgressException e) {
            LOG.debugf("webhook offsets not committed (rebalance): %s", e.getMessage());
        } catch (KafkaException e) {
            // like a commit lost to a rebalance: the records are read again once the ACL is fixed
            if (!access.waitOut(CLIENT, e, () -> running)) {
                throw e; // a wake-up (closing) or any other failure
            }
        }
    }

    static String webhookEvent(EventType type) {
        return switch (type) {
            case RUNNING -> WebhookSpec.START;
            case PROGRESS -> WebhookSpec.PROGRESS;
            case SUCCEEDED, FAILED, CANCELLED -> WebhookSpec.COMPLETED;
            default -> null;
        };
    }

    private void onRecord(ConsumerRecord<String, byte[]> r) {
        JobEvent e;
        try {
            e = codec.decodeEvent(r.value());
        } catch (InvalidMessageException ex) {
            return; // the projector logs and counts undecodable records
        }
        String name = webhookEvent(e.type());
        if (name == null || e.at().isBefore(Instant.now().minus(settings.retryFor()))) {
            return;
        }
        // the body shows at least this event: wait for the projector to have stored it
        Optional<JobSnapshot> job = awaitProjected(e);
        if (job.isEmpty()) {
            LOG.warnf("no request known for job %s after 10 s; its %s webhook is skipped", e.jobId(), name);
            return;
        }
        WebhookSpec spec = job.get().request().webhook();
        if (spec == null || !spec.wants(name)) {
            return;
        }
        if (e.type() == EventType.PROGRESS) {
            Instant last = lastProgress.get(e.jobId());
            if (last != null && Duration.between(last, e.at()).compareTo(settings.progressInterval()) < 0) {
                return; // throttled: at most one progress delivery per interval, by the events' own clock
            }
            lastProgress.put(e.jobId(), e.at());
        } else if (name.equals(WebhookSpec.COMPLETED)) {
            lastProgress.remove(e.jobId());
        }
        String id = WebhookDelivery.idFor(e.jobId(), e.seq());
        Optional<WebhookDelivery> known = log.find(e.jobId(), id);
        if (known.isPresent()) {
            if (known.get().state() == WebhookDelivery.State.PENDING) {
                schedule(known.get());
            }
            return; // re-read after a restart: the series exists already
        }
        String body = codec.encodeToString(JobResponse.of(job.get()));
        WebhookDelivery d = new WebhookDelivery(id, e.jobId(), name, e.seq(), e.at(), spec.url(), body,
                WebhookDelivery.State.PENDING, null, Instant.now(), List.of());
        log.save(d);
        schedule(d);
    }

    private Optional<JobSnapshot> awaitProjected(JobEvent e) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (running) {
            Optional<JobSnapshot> s = store.find(e.jobId());
            boolean stored = s.isPresent() && (s.get().lastSeq() >= e.seq() || s.get().state().isTerminal());
            if (stored || System.nanoTime() > until) {
                return s;
            }
            sleep(20);
        }
        return Optional.empty();
    }

    private void schedule(WebhookDelivery d) {
        if (!scheduled.add(d.id())) {
            return;
        }
        long delay = d.nextAttemptAt() == null ? 0
                : Math.max(0, Duration.between(Instant.now(), d.nextAttemptAt()).toMillis());
        attempts.schedule(() -> {
            Optional<WebhookDelivery> next = Optional.empty();
            try {
                if (owns(d.jobId())) {
                    next = attempt(d.jobId(), d.id());
                }
            } catch (RuntimeException e) {
                LOG.warnf("webhook attempt %s not recorded (storage?); the rescan retries it: %s", d.id(),
                        e.toString());
            } finally {
                // still marked while the attempt runs, so a rescan cannot start a second, concurrent one
                scheduled.remove(d.id());
            }
            next.filter(n -> n.state() == WebhookDelivery.State.PENDING).ifPresent(this::schedule);
        }, delay, TimeUnit.MILLISECONDS);
    }

    private boolean owns(String jobId) {
        int n = partitions;
        return n > 0 && owned.contains(Utils.toPositive(Utils.murmur2(jobId.getBytes(StandardCharsets.UTF_8))) % n);
    }

    /**
     * One attempt of a pending delivery; returns the delivery as recorded afterwards (empty when another attempt of
     * it is running on this replica). The caller schedules the next attempt.
     */
    Optional<WebhookDelivery> attempt(String jobId, String id) {
        if (!inFlight.add(id)) {
            return Optional.empty();
        }
        try {
            return attemptOnce(jobId, id);
        } finally {
            inFlight.remove(id);
        }
    }

    private Optional<WebhookDelivery> attemptOnce(String jobId, String id) {
        Optional<WebhookDelivery> found = log.find(jobId, id);
        if (found.isEmpty() || found.get().state() != WebhookDelivery.State.PENDING) {
            return found;
        }
        WebhookDelivery d = found.get();
        Instant now = Instant.now();
        PinnedPoster.Outcome outcome;
        try {
            URI uri = guard.parse(d.url());
            InetAddress address = guard.resolve(uri); // again at connect time, and the connection uses this address
            long timestamp = now.getEpochSecond();
            byte[] body = d.body().getBytes(StandardCharsets.UTF_8);
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("webhook-id", d.id());
            headers.put("webhook-timestamp", Long.toString(timestamp));
            headers.put("webhook-signature", signer.sign(d.id(), timestamp, body));
            outcome = poster.post(uri, address, headers, body);
        } catch (WebhookRefusedException e) {
            outcome = new PinnedPoster.Outcome(0, "refused: url " + e.getMessage(), 0);
        }
        WebhookDelivery.Attempt a = new WebhookDelivery.Attempt(now, outcome.status(), outcome.latencyMs(),
                outcome.error());
        WebhookDelivery next;
        if (outcome.delivered()) {
            next = d.after(a, WebhookDelivery.State.DELIVERED, null);
        } else {
            Instant due = now.plusMillis(backoffMillis(d.attempts().size() + 1));
            Instant first = d.firstAttemptAt() == null ? now : d.firstAttemptAt();
            boolean giveUp = due.isAfter(first.plus(settings.retryFor()));
            next = d.after(a, giveUp ? WebhookDelivery.State.FAILED : WebhookDelivery.State.PENDING,
                    giveUp ? null : due);
        }
        log.save(next);
        return Optional.of(next);
    }

    /** Exponential backoff with "equal jitter": half fixed, half random, so retries of many receivers spread out. */
    long backoffMillis(int attemptsSoFar) {
        long base = settings.initialBackoff().toMillis();
        long max = settings.maxBackoff().toMillis();
        long exp = attemptsSoFar >= 40 ? max : Math.min(max, base << Math.min(attemptsSoFar - 1, 40));
        return exp / 2 + ThreadLocalRandom.current().nextLong(exp / 2 + 1);
    }

    /**
     * Arms a job's failed deliveries again (or its latest one when none failed) with a fresh retry window and makes
     * the first attempt now, on this replica.
     */
    public List<WebhookDelivery> redeliver(String jobId) {
        List<WebhookDelivery> all = log.forJob(jobId);
        List<WebhookDelivery> chosen = all.stream().filter(d -> d.state() == WebhookDelivery.State.FAILED).toList();
        if (chosen.isEmpty() && !all.isEmpty()) {
            chosen = List.of(all.get(all.size() - 1));
        }
        for (WebhookDelivery d : chosen) {
            if (d.state() != WebhookDelivery.State.PENDING) {
                log.save(d.rearmed(Instant.now()));
            }
            attempt(jobId, d.id()).filter(n -> n.state() == WebhookDelivery.State.PENDING)
                    .ifPresent(this::schedule);
        }
        return log.forJob(jobId);
    }

    private void rescan() {
        try {
            for (String[] p : log.pending()) {
                if (!scheduled.contains(p[1]) && owns(p[0])) {
                    log.find(p[0], p[1]).filter(d -> d.state() == WebhookDelivery.State.PENDING)
                            .ifPresent(this::schedule);
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("could not look for pending webhook deliveries: %s", e.toString());
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        attempts.shutdownNow();
        Thread t = thread;
        if (t != null) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
