package dev.ist.gateway.metrics;

import dev.ist.gateway.store.JobState;
import dev.ist.gateway.store.JobStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's own meters (names fixed by the metrics contract): submissions by outcome, refusals by reason,
 * connected SSE clients, and jobs by state from the job store.
 */
@ApplicationScoped
@io.quarkus.runtime.Startup // the gauges exist from the first scrape, not from the first request that counts something
public class GatewayMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> submissions = new ConcurrentHashMap<>();
    private final Map<String, Counter> refusals = new ConcurrentHashMap<>();
    private final AtomicInteger sseClients = new AtomicInteger();
    private final Map<JobState, Integer> lastCounts = new EnumMap<>(JobState.class);
    private long countsAt;

    /** For the CDI proxy only. */
    protected GatewayMetrics() {
        this.registry = null;
    }

    @jakarta.inject.Inject
    public GatewayMetrics(MeterRegistry registry, JobStore store) {
        this.registry = registry;
        Gauge.builder("ist.gateway.sse.clients", sseClients, AtomicInteger::get)
                .description("Server-sent event streams currently open")
                .register(registry);
        for (JobState state : JobState.values()) {
            Gauge.builder("ist.gateway.jobs", () -> countOf(store, state))
                    .tag("state", state.label())
                    .description("Jobs by state in the job store")
                    .register(registry);
        }
        for (String outcome : new String[] {"accepted", "refused", "duplicate"}) {
            submission(outcome);
        }
        // the JVM's own gauges show the heap now; the high-water mark is what a memory limit must cover
        Gauge.builder("ist.jvm.heap.peak", GatewayMetrics::heapPeakBytes)
                .baseUnit("bytes")
                .description("Sum of the heap memory pools' peak usage since start")
                .register(registry);
    }

    static double heapPeakBytes() {
        long sum = 0;
        for (java.lang.management.MemoryPoolMXBean pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getPeakUsage() != null) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    // one query serves all five gauges of a scrape; while the database is down the last counts stay
    private synchronized int countOf(JobStore store, JobState state) {
        long now = System.nanoTime();
        if (lastCounts.isEmpty() || now - countsAt > 1_000_000_000L) {
            countsAt = now;
            try {
                lastCounts.putAll(store.countByState());
            } catch (RuntimeException e) {
                // the job-store readiness check reports the outage
            }
        }
        return lastCounts.getOrDefault(state, 0);
    }

    private Counter submission(String outcome) {
        return submissions.computeIfAbsent(outcome, o -> Counter.builder("ist.gateway.submissions")
                .tag("outcome", o)
                .description("Job submissions by outcome")
                .register(registry));
    }

    public void accepted() {
        submission("accepted").increment();
    }

    public void duplicate() {
        submission("duplicate").increment();
    }

    /** A refused submission or request, by reason (unsupported_type, too_many_bytes, rate_limited, …). */
    public void refused(String reason) {
        refusals.computeIfAbsent(reason, r -> Counter.builder("ist.gateway.refusals")
                .tag("reason", r)
                .description("Refused requests by reason")
                .register(registry)).increment();
        if (!"unauthorized".equals(reason) && !"not_found".equals(reason)) {
            submission("refused").increment();
        }
    }

    public void sseOpened() {
        sseClients.incrementAndGet();
    }

    public void sseClosed() {
        sseClients.decrementAndGet();
    }

    public int sseClients() {
        return sseClients.get();
    }
}
