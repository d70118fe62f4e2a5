package dev.ist.gateway.health;

import dev.ist.gateway.view.JobViewFeeder;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Dead when the thread feeding the job view has stopped: a restart is the cure. */
@Liveness
@ApplicationScoped
public class JobViewLiveness implements HealthCheck {

    private final JobViewFeeder feeder;

    public JobViewLiveness(JobViewFeeder feeder) {
        this.feeder = feeder;
    }

    @Override
    public HealthCheckResponse call() {
        var b = HealthCheckResponse.named("job-view-feeder").status(feeder.isAlive());
        if (feeder.failure() != null) {
            b.withData("failure", feeder.failure().toString());
        }
        return b.build();
    }
}
