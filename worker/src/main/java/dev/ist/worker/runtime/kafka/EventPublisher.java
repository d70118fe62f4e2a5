package dev.ist.worker.runtime.kafka;

import dev.ist.common.Topics;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.DeadLetter;
import dev.ist.common.event.JobEvent;
import dev.ist.common.kafka.KafkaClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Puts job events (key = job id, so one job's events stay in order on one partition) and dead letters on Kafka with
 * an idempotent, acks=all producer. Progress ticks are sent without waiting; terminal events and dead letters are
 * waited for, because the job's offset is committed only after they are acknowledged.
 */
public final class EventPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);

    /** Makes a producer: the first, and a fresh one after the broker refused this one's login or an ACL. */
    private final java.util.function.Supplier<Producer<String, byte[]>> producers;
    private volatile Producer<String, byte[]> producer;
    /** An idempotent producer that met an authentication failure stays failed: the next send takes a fresh one. */
    private volatile boolean refused;
    private final Topics topics;
    private final Duration timeout;
    private final JsonCodec codec = JsonCodec.shared();
    private volatile DeadLetterPolicy dlqPolicy = DeadLetterPolicy.defaults();
    private volatile Consumer<String> skips = r -> { };

    public EventPublisher(Producer<String, byte[]> producer, Topics topics, Duration timeout) {
        this(() -> producer, topics, timeout);
    }

    EventPublisher(java.util.function.Supplier<Producer<String, byte[]>> producers, Topics topics, Duration timeout) {
        this.producers = producers;
        this.producer = producers.get();
        this.topics = topics;
        this.timeout = timeout;
    }

    /** On an unsecured broker (tests). */
    public static EventPublisher create(String bootstrapServers, String clientId, Topics topics, Duration timeout) {
        return create(KafkaClientConfig.plaintext(bootstrapServers), clientId, topics, timeout);
    }

    public static EventPublisher create(KafkaClientConfig kafka, String clientId, Topics topics, Duration timeout) {
        Map<String, Object> c = kafka.base();
        c.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 15_000));
        c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new EventPublisher(() -> new KafkaProducer<>(c), topics, timeout);
    }

    /** Fire and forget (progress ticks): a lost tick is superseded by the next one. */
    public void publish(JobEvent event) {
        try {
            producer().send(record(event), (meta, error) -> {
                if (error != null) {
                    noteRefusal(error);
                    LOG.warn("event {} #{} of job {} not published: {}", event.type(), event.seq(), event.jobId(),
                            error.toString());
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("event {} #{} of job {} not published: {}", event.type(), event.seq(), event.jobId(), e.toString());
        }
    }

    /** Sends and waits for the broker's acknowledgement; throws {@link PublishException} when it does not come. */
    public void publishAndWait(JobEvent event) throws PublishException {
        sendAndWait(record(event), "event " + event.type() + " of job " + event.jobId());
    }

    /**
     * Puts a (bounded) dead letter on the DLQ topic, retrying with backoff. When the topic still does not take it —
     * not even without its excerpt — the record is skipped: an ERROR log, {@code ist_worker_records_skipped_total}
     * and a normal return, so the caller commits past it instead of reading it again forever. Never throws
     * {@link PublishException} (the signature stays for existing callers).
     */
    public void deadLetter(DeadLetter letter) throws PublishException {
        String what = "dead letter for " + letter.sourceTopic() + "/" + letter.sourceId();
        PublishException last = null;
        DeadLetter attempt = letter;
        for (int i = 1; i <= dlqPolicy.attempts(); i++) {
            try {
                sendAndWait(new ProducerRecord<>(topics.dlq(), attempt.jobId(), codec.encode(attempt)), what);
                if (attempt != letter) {
                    LOG.warn("{} was published without its excerpt ({})", what, last.getMessage());
                }
                return;
            } catch (PublishException e) {
                last = e;
                if (e.getCause() instanceof RecordTooLargeException || e.getCause() instanceof InvalidRecordException) {
                    attempt = letter.withoutExcerpt(); // the topic's max.message.bytes is tiny: send the facts only
                }
                LOG.warn("{} not acknowledged (attempt {}/{}): {}", what, i, dlqPolicy.attempts(), e.getMessage());
                if (i < dlqPolicy.attempts() && !sleep(dlqPolicy.backoff().multipliedBy(1L << (i - 1)))) {
                    break;
                }
            }
        }
        String reason = skipReason(last);
        LOG.error("SKIPPED record {} ({} bytes, sha256 {}, code {}): the dead-letter topic {} did not take it after"
                        + " {} attempts ({}); its offset will be committed", letter.sourceTopic() + "/"
                        + letter.sourceId(), letter.payloadBytes(), letter.payloadSha256(), letter.code(),
                topics.dlq(), dlqPolicy.attempts(), last == null ? "interrupted" : last.getMessage());
        skips.accept(reason);
    }

    /** Where skipped records are counted ({@code WorkerMetrics::recordSkipped}); a log line only until set. */
    public void reportSkipsTo(Consumer<String> sink) {
        this.skips = sink == null ? r -> { } : sink;
    }

    /** How hard a dead letter is retried before its record is skipped. */
    public record DeadLetterPolicy(int attempts, Duration backoff) {
        public DeadLetterPolicy {
            if (attempts < 1) {
                throw new IllegalArgumentException("attempts must be >= 1");
            }
        }

        public static DeadLetterPolicy defaults() {
            return new DeadLetterPolicy(3, Duration.ofSeconds(1));
        }
    }

    public EventPublisher withDeadLetterPolicy(DeadLetterPolicy policy) {
        this.dlqPolicy = policy;
        return this;
    }

    static String skipReason(PublishException e) {
        Throwable c = e == null ? null : e.getCause();
        if (c instanceof RecordTooLargeException || c instanceof InvalidRecordException) {
            return "dlq_refused";
        }
        if (c instanceof java.util.concurrent.TimeoutException || c instanceof org.apache.kafka.common.errors.TimeoutException) {
            return "dlq_unavailable";
        }
        return "dlq_failed";
    }

    private static boolean sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private ProducerRecord<String, byte[]> record(JobEvent event) {
        return new ProducerRecord<>(topics.events(), event.jobId(), codec.encode(event));
    }

    /** Sends any record (a job forwarded to another pool's topic) and waits for the broker's acknowledgement. */
    public void sendAndWait(ProducerRecord<String, byte[]> record, String what) throws PublishException {
        try {
            Future<RecordMetadata> sent = producer().send(record);
            sent.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (KafkaException e) {
            noteRefusal(e);
            throw new PublishException("could not publish " + what + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted while publishing " + what, e);
        } catch (ExecutionException e) {
            noteRefusal(e.getCause());
            throw new PublishException("broker refused or lost " + what + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new PublishException("no acknowledgement for " + what + " within " + timeout, e);
        }
    }

    /** The producer to send with: a fresh one when the last met a refused login or ACL (fixed since, perhaps). */
    private Producer<String, byte[]> producer() {
        if (refused) {
            synchronized (this) {
                if (refused) {
                    Producer<String, byte[]> old = producer;
                    producer = producers.get();
                    refused = false;
                    if (old != producer) {
                        old.close(Duration.ZERO);
                        LOG.info("event producer replaced after Kafka refused its login or an ACL");
                    }
                }
            }
        }
        return producer;
    }

    private void noteRefusal(Throwable error) {
        if (dev.ist.common.kafka.KafkaAccessProblem.describe(error).isPresent()) {
            refused = true;
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

    /** The broker did not acknowledge a message the worker must not lose. */
    public static final class PublishException extends Exception {
        public PublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
