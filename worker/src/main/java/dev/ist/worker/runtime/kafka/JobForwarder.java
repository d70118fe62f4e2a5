package dev.ist.worker.runtime.kafka;

import dev.ist.common.Topics;
import dev.ist.common.capacity.JobForwards;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.EventType;
import dev.ist.common.event.Failure;
import dev.ist.common.event.JobEvent;
import dev.ist.common.job.JobRequest;
import dev.ist.worker.runtime.capacity.ForwardTargets;
import dev.ist.worker.runtime.job.JobForwarding;
import dev.ist.worker.runtime.job.JobMessage;
import dev.ist.worker.runtime.metrics.WorkerMetrics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Optional;

/**
 * Forwards a job to another worker pool's lane topic through the worker's idempotent producer. The job's event is a
 * QUEUED restatement (seq 0, the state stays QUEUED) whose {@code failure.message} says where it went and why: no new
 * state, and the gateway's view shows the note without mistaking it for progress.
 */
public final class JobForwarder implements JobForwarding {
    private static final Logger LOG = LoggerFactory.getLogger(JobForwarder.class);

    private final EventPublisher publisher;
    private final Topics topics;
    private final ForwardTargets targets;
    private final int maxForwards;
    private final String workerId;
    private final WorkerMetrics metrics;
    private final Clock clock;
    private final JsonCodec codec = JsonCodec.shared();

    /** @param topics the base topics (the default pool's); a pool's lanes are {@link Topics#forPool} of them */
    public JobForwarder(EventPublisher publisher, Topics topics, ForwardTargets targets, int maxForwards,
                        String workerId, WorkerMetrics metrics, Clock clock) {
        this.publisher = publisher;
        this.topics = topics;
        this.targets = targets;
        this.maxForwards = maxForwards;
        this.workerId = workerId;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public Optional<Target> target(JobRequest request, int contentWidth, int contentHeight) {
        return targets.targetFor(request.options(), contentWidth, contentHeight);
    }

    @Override
    public int maxForwards() {
        return maxForwards;
    }

    @Override
    public void forward(JobMessage record, JobRequest request, Target target, String why)
            throws ForwardException {
        String pool = target.pool();
        // re-quoted for the pool it will wait in: the queue ETAs there add up its quote
        JobRequest moved = request.withPool(pool).withQuotedSeconds(target.quotedSeconds());
        String topic = topics.forPool(pool).jobs(moved.lane());
        ProducerRecord<String, byte[]> out = new ProducerRecord<>(topic, record.key(), codec.encode(moved));
        for (JobMessage.Header h : record.headers()) {
            if (!JobForwards.HEADER.equals(h.key())) {
                out.headers().add(h.key(), h.value());
            }
        }
        int forwards = record.forwards() + 1;
        out.headers().add(JobForwards.HEADER, JobForwards.encode(forwards));
        try {
            publisher.sendAndWait(out, "job " + request.jobId() + " forwarded to " + topic);
        } catch (EventPublisher.PublishException e) {
            throw new ForwardException(e.getMessage(), e);
        }
        metrics.jobForwarded(pool);
        String note = "forwarded by worker " + workerId + " (pool " + request.workerPool() + ") to pool " + pool
                + " (forward " + forwards + " of at most " + maxForwards + "): " + why;
        LOG.info("job {} {}", request.jobId(), note);
        publisher.publish(new JobEvent(JobEvent.SCHEMA_VERSION, request.jobId(), 0, clock.instant(), workerId,
                EventType.QUEUED, null, null, null, new Failure(null, note), null));
    }
}
