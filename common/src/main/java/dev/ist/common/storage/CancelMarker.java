package dev.ist.common.storage;

import dev.ist.common.ObjectKeys;
import dev.ist.common.codec.JsonCodec;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * The durable record that a job was cancelled, {@code jobs/<id>/cancelled}: written as soon as any worker sees the
 * cancel on the control topic, read before a job starts. However late a worker reaches a cancelled job (days after
 * the control topic's in-memory window), it does not run it. In {@code common} so the gateway can write it too, at
 * the moment it accepts a cancel (the most durable point: before any worker has read the control topic).
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
        return ObjectKeys.cancelled(jobId);
    }

    /** Records the cancel (idempotent: a second cancel rewrites the same facts). */
    public void mark(String jobId, String requestedBy, String seenByWorker) {
        try {
            store.put(key(jobId), JsonCodec.shared().mapper().writeValueAsBytes(
                    new Cancellation(jobId, clock.instant(), requestedBy, seenByWorker)), "application/json");
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the cancel marker", e);
        }
    }

    public boolean isCancelled(String jobId) {
        return store.exists(key(jobId));
    }

    public Optional<Cancellation> read(String jobId) {
        try {
            return Optional.of(JsonCodec.shared().mapper().readValue(store.get(key(jobId)), Cancellation.class));
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StorageException("cancel marker " + key(jobId) + " is not valid JSON: " + e.getMessage(), false, e);
        }
    }
}
