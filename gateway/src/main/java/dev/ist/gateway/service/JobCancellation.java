package dev.ist.gateway.service;

import dev.ist.common.event.ControlMessage;
import dev.ist.common.storage.CancelMarker;
import dev.ist.common.storage.ImageStore;
import dev.ist.gateway.api.ProblemException;
import dev.ist.gateway.auth.Caller;
import dev.ist.gateway.config.GatewaySettings;
import dev.ist.gateway.kafka.JobPublisher;
import dev.ist.gateway.store.JobSnapshot;
import dev.ist.gateway.store.JobStore;
import dev.ist.gateway.submit.SubmissionLimiter;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

/**
 * Cancels a job: a durable marker in storage (read by a worker before it starts the job), a command on the control
 * topic (reaches whichever worker holds it), and the job store's row, so every replica shows the request at once.
 */
@Singleton
public class JobCancellation {

    private static final Logger LOG = Logger.getLogger(JobCancellation.class);

    private final JobStore store;
    private final JobPublisher publisher;
    private final ImageStore images;
    private final GatewaySettings settings;
    private final SubmissionLimiter cancels = new SubmissionLimiter();

    public JobCancellation(JobStore store, JobPublisher publisher, ImageStore images, GatewaySettings settings) {
        this.store = store;
        this.publisher = publisher;
        this.images = images;
        this.settings = settings;
    }

    /** Requests the cancel of an unfinished job of {@code who}; returns the job as it stands afterwards. */
    public JobSnapshot cancel(Caller who, JobSnapshot job) {
        OptionalLong wait = cancels.tryAcquire(who.owner(), settings.limits().cancelsPerMinute());
        if (wait.isPresent()) {
            // each cancel is a record on the control topic: a DELETE loop must not grow it without bound
            throw new ProblemException(429, "rate-limited", "Too many cancel requests",
                    "at most " + settings.limits().cancelsPerMinute() + " cancel requests per minute are allowed "
                            + "for this key", List.of(), "rate_limited")
                    .with("limit", settings.limits().cancelsPerMinute()).retryAfter(wait.getAsLong());
        }
        ControlMessage message = ControlMessage.cancel(job.jobId(), Instant.now(), who.owner());
        markCancelled(job.jobId(), who.owner());
        publisher.cancel(message);
        store.cancelRequested(message);
        return store.find(job.jobId()).orElse(job);
    }

    /**
     * The durable record of the cancel ({@code jobs/<id>/cancelled}), read by a worker before the job starts: it
     * outlives the control topic's memory. Best effort: the control message still carries the cancel.
     */
    private void markCancelled(String id, String owner) {
        try {
            new CancelMarker(images, Clock.systemUTC()).mark(id, owner, null);
        } catch (RuntimeException e) {
            LOG.warnf("cancel marker of job %s not written (%s); the control topic still carries the cancel", id,
                    e.getMessage());
        }
    }
}
