package dev.ist.gateway.store;

import dev.ist.gateway.config.GatewaySettings;
import dev.ist.gateway.kafka.JobPublisher;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.Config;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@link DeadlineSweep} every {@code ist.gateway.deadline-check-interval} (once this replica's projector has
 * caught up: an unread finish must not be taken for an overdue job) and the {@link RetentionSweep} every five
 * minutes with {@code ist.retention.jobs} (default 7 days).
 */
@ApplicationScoped
@Startup
public class JobStoreTimers {

    private final ScheduledExecutorService timer;

    /** For the CDI proxy only. */
    protected JobStoreTimers() {
        this.timer = null;
    }

    @jakarta.inject.Inject
    public JobStoreTimers(JobStore store, JobProjector projector, JobPublisher publisher, GatewaySettings settings,
                          Config config) {
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ist-job-store-sweeps");
            t.setDaemon(true);
            return t;
        });
        DeadlineSweep deadlines = new DeadlineSweep(store.database(), publisher::cancel, Clock.systemUTC());
        long every = settings.deadlineCheckInterval().toMillis();
        timer.scheduleWithFixedDelay(() -> {
            if (projector.isCaughtUp()) {
                deadlines.run();
            }
        }, every, every, TimeUnit.MILLISECONDS);
        Duration retention = config.getOptionalValue("ist.retention.jobs", Duration.class).orElse(Duration.ofDays(7));
        timer.scheduleWithFixedDelay(new RetentionSweep(store.database(), retention, Clock.systemUTC()), 1, 300,
                TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }
}
