package dev.ist.gateway.health;

import dev.ist.gateway.view.JobView;
import dev.ist.gateway.view.JobViewFeeder;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the job view has read the whole history: before that, status answers could be stale. */
@Readiness
@ApplicationScoped
public class JobViewReadiness implements HealthCheck {

    private final JobView view;
    private final JobViewFeeder feeder;

    public JobViewReadiness(JobView view, JobViewFeeder feeder) {
        this.view = view;
        this.feeder = feeder;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("job-view")
                .status(view.isCaughtUp() && feeder.isAlive())
                .withData("caughtUp", view.isCaughtUp())
                .withData("jobs", view.size())
                .build();
    }
}
