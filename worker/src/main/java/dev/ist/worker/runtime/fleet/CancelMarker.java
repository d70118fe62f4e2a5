package dev.ist.worker.runtime.fleet;

import dev.ist.common.ObjectKeys;
import dev.ist.common.storage.ImageStore;
import dev.ist.common.storage.ObjectNotFoundException;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * The durable record that a job was cancelled, {@code jobs/<id>/cancelled}: written as soon as any worker sees the
 * cancel on the control topic, read before a job starts. However late a worker reaches a cancelled job (days after
 * the control topic's in-memory window), it does not run it.
 */
public final class CancelMarker {

    /** What the marker holds. */
    public record Cancellation(String jobId, Instant at, String requestedBy, String seenBy) {
    }

    private final ImageStore store;
    private final Clock clock;

    public CancelMarker(ImageStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public static String key(String jobId) {
        return ObjectKeys.jobPrefix(jobId) + "cancelled";
    }

    /** Records the cancel (idempotent: a second cancel rewrites the same facts). */
    public void mark(String jobId, String requestedBy, String seenByWorker) {
        store.put(key(jobId), FleetJson.write(new Cancellation(jobId, clock.instant(), requestedBy, seenByWorker)),
                "application/json");
    }

    public boolean isCancelled(String jobId) {
        return store.exists(key(jobId));
    }

    public Optional<Cancellation> read(String jobId) {
        try {
            return Optional.of(FleetJson.read(store.get(key(jobId)), Cancellation.class, key(jobId)));
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        }
    }
}
