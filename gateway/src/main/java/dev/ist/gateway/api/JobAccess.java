package dev.ist.gateway.api;

import dev.ist.gateway.auth.Caller;
import dev.ist.gateway.config.GatewaySettings;
import dev.ist.gateway.store.JobProjector;
import dev.ist.gateway.store.JobSnapshot;
import dev.ist.gateway.store.JobStore;
import jakarta.inject.Singleton;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/** Finds a job for a caller: a job of another owner is answered exactly like a job that does not exist. */
@Singleton
public class JobAccess {

    private static final Pattern JOB_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final JobStore store;
    private final JobProjector projector;
    private final GatewaySettings settings;

    public JobAccess(JobStore store, JobProjector projector, GatewaySettings settings) {
        this.store = store;
        this.projector = projector;
        this.settings = settings;
    }

    public JobSnapshot require(Caller caller, String jobId) {
        if (jobId == null || !JOB_ID.matcher(jobId).matches()) {
            throw ProblemException.notFound(jobId == null ? "" : jobId.length() > 40 ? jobId.substring(0, 40) : jobId);
        }
        Optional<JobSnapshot> job = store.find(jobId);
        if (job.isEmpty() && !projector.isCaughtUp()) {
            // right after a start on an empty database the job may simply not have been projected yet
            awaitProjector();
            job = store.find(jobId);
        }
        return job.filter(s -> caller.owner().equals(s.owner())).orElseThrow(() -> ProblemException.notFound(jobId));
    }

    /** Waits (up to ist.gateway.view.ready-timeout) for this replica's projector to catch up once; 503 if not. */
    public void awaitProjector() {
        try {
            if (!projector.awaitCaughtUp(settings.view().readyTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw ProblemException.notReady();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.notReady();
        }
    }
}
