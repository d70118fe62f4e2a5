package dev.ist.worker.runtime.kafka;

import dev.ist.common.codec.InvalidMessageException;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.ControlMessage;
import dev.ist.common.kafka.KafkaClientConfig;
import dev.ist.common.kafka.TopicFollower;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Reads the control topic on every worker: no consumer group, every partition assigned manually, starting
 * {@code cancel-memory} back in time so cancels sent while this worker was down still count. Cancels go to the
 * {@link CancelRegistry}. {@link #awaitCaughtUp} lets the job thread make sure every cancel published before a job
 * was picked up has been read, so a job cancelled while queued is never started. The reading is a
 * {@link TopicFollower}'s; this class decodes control messages.
 */
public final class ControlListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlListener.class);
    private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(30);

    private final TopicFollower follower;
    private final CancelRegistry registry;
    private final JsonCodec codec = JsonCodec.shared();
    private volatile java.util.function.Consumer<ControlMessage> onCancel = m -> { };

    public ControlListener(KafkaClientConfig kafka, String clientId, String topic, CancelRegistry registry,
                           Duration history, Clock clock) {
        Map<String, Object> c = kafka.base();
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        // the broker answers one request per connection at a time: a long-polling fetch would hold up the
        // end-offset look-up of a sync for up to fetch.max.wait.ms; the topic is tiny, so poll briskly
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.registry = registry;
        this.follower = new TopicFollower(c, topic, new TopicFollower.Since(history, clock), this::apply,
                "ist-worker-control", Duration.ofMillis(100));
    }

    /**
     * Also hands every cancel read to {@code sink} (on this listener's thread: the sink must not block), e.g. to
     * record it durably.
     */
    public ControlListener onCancel(java.util.function.Consumer<ControlMessage> sink) {
        this.onCancel = sink;
        return this;
    }

    public void start() {
        follower.start();
    }

    /** Completes once the history present at start has been read. */
    public CompletableFuture<Void> initialCatchUp() {
        return follower.initialCatchUp();
    }

    /** Waits (at most {@code timeout}) until everything on the control topic right now has been read. */
    public boolean awaitCaughtUp(Duration timeout) {
        return follower.awaitCaughtUp(timeout);
    }

    /** Where login and ACL failures are counted; nothing until set. */
    public ControlListener onAccessFailure(java.util.function.Consumer<String> sink) {
        follower.onAccessFailure(sink);
        return this;
    }

    /** The login or ACL problem the listener is waiting out, or null. */
    public String accessProblem() {
        return follower.accessProblem();
    }

    /** Polled within the last 30 s. */
    public boolean isHealthy() {
        return follower.isHealthy(HEALTHY_WITHIN);
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        try {
            ControlMessage m = codec.decodeControl(record.value());
            if (m.action() == ControlMessage.Action.CANCEL) {
                registry.cancel(m.jobId(), m.at());
                LOG.info("cancel received for job {}", m.jobId());
                try {
                    onCancel.accept(m);
                } catch (RuntimeException e) {
                    LOG.warn("cancel of job {} not handed on: {}", m.jobId(), e.toString());
                }
            }
        } catch (InvalidMessageException e) {
            LOG.warn("ignoring malformed control message at {}-{}@{}: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
        }
    }

    @Override
    public void close() {
        follower.close();
    }
}
