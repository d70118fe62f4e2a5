package dev.ist.gateway.view;

import dev.ist.common.event.ControlMessage;
import dev.ist.common.job.JobRequest;
import dev.ist.gateway.kafka.JobPublisher;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;

/**
 * Cancels jobs whose deadline passed unfinished: a cancel on the control topic, requested by {@code deadline}, that
 * reaches whichever worker holds or will take the job (a worker also refuses to start a job past its deadline). The
 * deadline travels with the request on the jobs topic, so every replica and a restarted gateway know it; a replica
 * skips jobs whose cancel it has already read, so the control topic gets about one record per job.
 */
public final class DeadlineWatcher implements Runnable {

    private static final Logger LOG = Logger.getLogger(DeadlineWatcher.class);

    private final JobView view;
    private final JobPublisher publisher;
    private final Clock clock;

    public DeadlineWatcher(JobView view, JobPublisher publisher, Clock clock) {
        this.view = view;
        this.publisher = publisher;
        this.clock = clock;
    }

    @Override
    public void run() {
        if (!view.isCaughtUp()) {
            return; // an unread finish or cancel must not be taken for an overdue job
        }
        Instant now = clock.instant();
        for (String jobId : view.overdue(now)) {
            try {
                ControlMessage m = ControlMessage.cancel(jobId, now, JobRequest.DEADLINE_REASON);
                publisher.cancel(m);
                view.apply(m);
                LOG.infof("job %s passed its deadline unfinished; cancel published", jobId);
            } catch (RuntimeException e) {
                LOG.warnf("could not publish the deadline cancel of job %s (retried): %s", jobId, e.getMessage());
            }
        }
    }
}
