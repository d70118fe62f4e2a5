package dev.ist.gateway.view;

import dev.ist.gateway.config.GatewaySettings;
import dev.ist.gateway.kafka.JobPublisher;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Runs the {@link DeadlineWatcher} every {@code ist.gateway.deadline-check-interval}. */
@ApplicationScoped
@Startup
public class DeadlineTimer {

    private final ScheduledExecutorService timer;

    /** For the CDI proxy only. */
    protected DeadlineTimer() {
        this.timer = null;
    }

    @jakarta.inject.Inject
    public DeadlineTimer(JobView view, JobPublisher publisher, GatewaySettings settings) {
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ist-deadlines");
            t.setDaemon(true);
            return t;
        });
        DeadlineWatcher watcher = new DeadlineWatcher(view, publisher, Clock.systemUTC());
        long every = settings.deadlineCheckInterval().toMillis();
        timer.scheduleWithFixedDelay(watcher, every, every, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }
}
