package dev.ist.gateway.health;

import dev.ist.gateway.store.JobProjector;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Dead when the projector's thread has stopped (not when the database is down: it retries that): restart it. */
@Liveness
@ApplicationScoped
public class ProjectorLiveness implements HealthCheck {

    private final JobProjector projector;

    public ProjectorLiveness(JobProjector projector) {
        this.projector = projector;
    }

    @Override
    public HealthCheckResponse call() {
        var b = HealthCheckResponse.named("job-projector").status(projector.isAlive());
        if (projector.failure() != null) {
            b.withData("failure", projector.failure().toString());
        }
        return b.build();
    }
}
