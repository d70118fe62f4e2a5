package dev.ist.gateway.api;

import dev.ist.gateway.auth.Caller;
import dev.ist.gateway.view.JobSnapshot;
import dev.ist.gateway.view.JobView;
import jakarta.inject.Singleton;

import java.util.regex.Pattern;

/** Finds a job for a caller: a job of another owner is answered exactly like a job that does not exist. */
@Singleton
public class JobAccess {

    private static final Pattern JOB_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final JobView view;

    public JobAccess(JobView view) {
        this.view = view;
    }

    public JobSnapshot require(Caller caller, String jobId) {
        if (jobId == null || !JOB_ID.matcher(jobId).matches()) {
            throw ProblemException.notFound(jobId == null ? "" : jobId.length() > 40 ? jobId.substring(0, 40) : jobId);
        }
        return view.find(jobId)
                .filter(s -> caller.owner().equals(s.owner()))
                .orElseThrow(() -> view.isCaughtUp() ? ProblemException.notFound(jobId)
                        // after a restart the job may simply not have been read yet
                        : ProblemException.notReady());
    }
}
