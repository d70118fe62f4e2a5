package dev.ist.gateway.store;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** {@code ist_jobstore_query_seconds{query}}: how long each kind of job-store query takes. */
public final class StoreMetrics {

    private final MeterRegistry registry;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public StoreMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** For tests and tools that have no registry to report to. */
    public static StoreMetrics unregistered() {
        return new StoreMetrics(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    <T> T timed(String query, Supplier<T> work) {
        Timer timer = timers.computeIfAbsent(query, q -> Timer.builder("ist.jobstore.query")
                .description("Time of one job-store query, by kind").tag("query", q).register(registry));
        return timer.record(work);
    }
}
