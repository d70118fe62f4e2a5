package dev.ist.gateway.kafka;

import dev.ist.common.Topics;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.ControlMessage;
import dev.ist.common.job.JobRequest;
import dev.ist.common.kafka.KafkaAccessProblem;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Publishes what the gateway decides: a job request (the jobs topic of its worker pool's priority lane, see
 * {@link Topics#forPool}) and cancel commands (control topic, shared by every pool). Every record is keyed by job id,
 * so all messages of a job keep their order. The first job of a pool other than the default one creates that pool's
 * topics when the gateway creates topics ({@code ist.kafka.create-topics}).
 *
 * <p>A send that Kafka refuses for a login or an ACL fails that request (503, the line naming the setting), and the
 * producer is replaced: an idempotent producer that met a refused login stays failed even after the broker's side is
 * fixed, so the next request gets a fresh one.
 */
public final class JobPublisher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(JobPublisher.class);
    /** How log lines, the metric and readiness name this client. */
    static final String CLIENT = "job-publisher";

    private final Supplier<KafkaProducer<String, byte[]>> producers;
    private final Topics topics;
    private final Duration timeout;
    private final JsonCodec codec = JsonCodec.shared();
    private final Consumer<List<String>> poolTopicsCreator;
    private final Set<String> poolsPrepared = ConcurrentHashMap.newKeySet();
    private final KafkaAccessProblem access = new KafkaAccessProblem("the job publisher");
    private volatile KafkaProducer<String, byte[]> producer;

    /**
     * @param producers         makes the producer (again after a refused login)
     * @param poolTopicsCreator creates missing topics (called once per pool, with that pool's three lane topics)
     */
    public JobPublisher(Supplier<KafkaProducer<String, byte[]>> producers, Topics topics, Duration timeout,
                        Consumer<List<String>> poolTopicsCreator) {
        this.producers = producers;
        this.topics = topics;
        this.timeout = timeout;
        this.poolTopicsCreator = poolTopicsCreator;
        this.producer = producers.get();
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
        send(new ProducerRecord<>(pool.jobs(request.lane()), request.jobId(), codec.encode(request)), "job request");
    }

    public void cancel(ControlMessage message) {
        send(new ProducerRecord<>(topics.control(), message.jobId(), codec.encode(message)), "cancel command");
    }

    private void send(ProducerRecord<String, byte[]> record, String what) {
        KafkaProducer<String, byte[]> p = producer;
        try {
            p.send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            access.cleared().ifPresent(LOG::info);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted while publishing the " + what, ex);
        } catch (ExecutionException ex) {
            refusedAccess(p, ex.getCause());
            throw new PublishException("Kafka refused the " + what + ": " + ex.getCause().getMessage(), ex.getCause());
        } catch (TimeoutException ex) {
            throw new PublishException("Kafka did not acknowledge the " + what + " within " + timeout.toSeconds()
                    + " s", ex);
        } catch (RuntimeException ex) { // send() itself: a refused login surfaces here while fetching metadata
            refusedAccess(p, ex);
            throw new PublishException("Kafka refused the " + what + ": " + ex.getMessage(), ex);
        }
    }

    /** A login or ACL failure: one line per new problem, and a fresh producer for the next request. */
    private synchronized void refusedAccess(KafkaProducer<String, byte[]> failed, Throwable cause) {
        var problem = KafkaAccessProblem.describe(cause);
        if (problem.isEmpty()) {
            return;
        }
        access.met(problem.get()).log().ifPresent(LOG::error);
        if (producer == failed) {
            producer = producers.get();
            failed.close(Duration.ZERO);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
