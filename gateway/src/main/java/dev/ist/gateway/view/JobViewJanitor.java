package dev.ist.gateway.view;

import dev.ist.gateway.config.GatewaySettings;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Every few minutes, forgets finished jobs older than {@code ist.gateway.view.retention}. */
@ApplicationScoped
@Startup
public class JobViewJanitor {

    private static final Logger LOG = Logger.getLogger(JobViewJanitor.class);

    private final ScheduledExecutorService timer;

    /** For the CDI proxy only. */
    protected JobViewJanitor() {
        this.timer = null;
    }

    @jakarta.inject.Inject
    public JobViewJanitor(JobView view, GatewaySettings settings) {
        Duration retention = settings.view().retention();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ist-job-view-janitor");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            int removed = view.evictFinishedBefore(Instant.now().minus(retention));
            if (removed > 0) {
                LOG.infof("forgot %d finished jobs older than %s", removed, retention);
            }
        }, 5, 5, TimeUnit.MINUTES);
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }
}
