package dev.ist.gateway.health;

import dev.ist.gateway.store.Database;
import dev.ist.gateway.store.JobProjector;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * "job-store": ready while the job database answers. Without it the gateway cannot say anything about jobs, so it
 * stays alive (a restart would not help) but takes no traffic; the projector catches up when the database is back.
 */
@Readiness
@ApplicationScoped
public class JobStoreReadiness implements HealthCheck {

    private final Database db;
    private final JobProjector projector;

    public JobStoreReadiness(Database db, JobProjector projector) {
        this.db = db;
        this.projector = projector;
    }

    @Override
    public HealthCheckResponse call() {
        boolean reachable = db.reachable(2);
        return HealthCheckResponse.named("job-store")
                .status(reachable && projector.isAlive())
                .withData("database", reachable ? "up" : "down")
                .withData("projectorCaughtUp", projector.isCaughtUp())
                .build();
    }
}
