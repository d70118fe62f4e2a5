package dev.ist.gateway.kafka;

import dev.ist.common.Topics;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.ControlMessage;
import dev.ist.common.job.JobRequest;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes what the gateway decides: a job request (the jobs topic of its worker pool's priority lane, see
 * {@link Topics#forPool}) and cancel commands (control topic, shared by every
 * pool). Every record is keyed by job id, so all messages of a job keep their order. The first job of a pool other
 * than the default one creates that pool's topics when the gateway creates topics ({@code ist.kafka.create-topics}).
 */
public final class JobPublisher {

    private final KafkaProducer<String, byte[]> producer;
    private final Topics topics;
    private final Duration timeout;
    private final JsonCodec codec = JsonCodec.shared();
    private final java.util.function.Consumer<java.util.List<String>> poolTopicsCreator;
    private final java.util.Set<String> poolsPrepared = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public JobPublisher(KafkaProducer<String, byte[]> producer, Topics topics, Duration timeout) {
        this(producer, topics, timeout, names -> { });
    }

    /** @param poolTopicsCreator creates missing topics (called once per pool, with that pool's three lane topics) */
    public JobPublisher(KafkaProducer<String, byte[]> producer, Topics topics, Duration timeout,
                        java.util.function.Consumer<java.util.List<String>> poolTopicsCreator) {
        this.producer = producer;
        this.topics = topics;
        this.timeout = timeout;
        this.poolTopicsCreator = poolTopicsCreator;
    }

    /**
     * Sends the request and waits for its acknowledgement. The request is what makes the job exist: workers run it,
     * and every replica's projector reads its QUEUED state from it. Only workers write events (the gateway's Kafka user
     * has no WRITE on the events topic, so it cannot forge a job's result); a retry with the same Idempotency-Key
     * republishes the request under the same id.
     */
    public void submit(JobRequest request) {
        Topics pool = topics.forPool(request.workerPool());
        if (pool != topics && poolsPrepared.add(request.workerPool())) {
            try {
                poolTopicsCreator.accept(pool.jobLanes());
            } catch (RuntimeException e) {
                poolsPrepared.remove(request.workerPool());
                throw new PublishException("could not create the topics of pool " + request.workerPool() + ": "
                        + e.getMessage(), e);
            }
        }
        Future<RecordMetadata> r = producer.send(new ProducerRecord<>(pool.jobs(request.lane()), request.jobId(),
                codec.encode(request)));
        await(r, "job request");
    }

    public void cancel(ControlMessage message) {
        await(producer.send(new ProducerRecord<>(topics.control(), message.jobId(), codec.encode(message))),
                "cancel command");
    }

    private void await(Future<RecordMetadata> f, String what) {
        try {
            f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted while publishing the " + what, ex);
        } catch (ExecutionException ex) {
            throw new PublishException("Kafka refused the " + what + ": " + ex.getCause().getMessage(), ex.getCause());
        } catch (TimeoutException ex) {
            throw new PublishException("Kafka did not acknowledge the " + what + " within " + timeout.toSeconds()
                    + " s", ex);
        }
    }
}
