package dev.ist.gateway.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The projector's meters: {@code ist_projector_lag_records}, {@code ist_projector_records_applied_total},
 * {@code ist_projector_records_skipped_total{reason}} and {@code ist_projector_batch_seconds}.
 */
public final class ProjectorMetrics {

    private final MeterRegistry registry;
    private final AtomicLong lag = new AtomicLong();
    private final Counter applied;
    private final Timer batch;

    public ProjectorMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("ist.projector.lag.records", lag, AtomicLong::get)
                .description("Records on the projected topics not yet applied by this replica's projector")
                .register(registry);
        this.applied = Counter.builder("ist.projector.records.applied")
                .description("Records applied to the job store (re-deliveries included)").register(registry);
        this.batch = Timer.builder("ist.projector.batch")
                .description("One committed projector transaction (a poll's records and their offsets)")
                .register(registry);
        // every reason shows as 0 from the start, so rate() and the dashboard's panel work before the first skip
        for (String reason : SKIP_REASONS) {
            skipCounter(reason);
        }
    }

    /** Why a record is skipped: it does not decode, or it decodes but cannot be applied. */
    static final java.util.List<String> SKIP_REASONS = java.util.List.of("undecodable", "unappliable");

    private Counter skipCounter(String reason) {
        return Counter.builder("ist.projector.records.skipped")
                .description("Records skipped because they cannot be applied").tag("reason", reason)
                .register(registry);
    }

    void lag(long records) {
        lag.set(records);
    }

    public long lag() {
        return lag.get();
    }

    void applied(int records) {
        applied.increment(records);
    }

    /** Records applied since start (a projector resuming from stored offsets applies only what came after). */
    public long appliedSoFar() {
        return (long) applied.count();
    }

    /** A record that could not be applied and was skipped: {@code undecodable} or {@code unappliable}. */
    void skipped(String reason) {
        skipCounter(reason).increment();
    }

    Timer batchTimer() {
        return batch;
    }
}
