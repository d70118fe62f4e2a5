package dev.ist.worker.runtime.fleet;

import dev.ist.common.ObjectKeys;
import dev.ist.common.storage.ImageStore;
import dev.ist.common.storage.ObjectNotFoundException;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Counts, durably in {@code jobs/<id>/attempts}, how often a job was started without ever stopping on its own terms.
 * {@link #begin} is called before the engine starts; {@link #stoppedCleanly} when an attempt hands the job over on
 * purpose (partition revoked, worker shutting down — it checkpointed). An attempt that killed its worker (out-of-memory
 * kill, native crash, kill -9) never reports back, so it stays counted; once {@link Attempts#crashed()} reaches
 * {@code ist.worker.max-job-attempts} the job is failed with {@code CRASH_LOOP} instead of being run again. Only the
 * partition's owner touches the object, so read-modify-write is enough.
 */
public final class AttemptCounter {

    /** Workers remembered in the record, newest last. */
    public static final int WORKERS_KEPT = 5;

    /**
     * @param started     attempts begun, including the current one
     * @param unfinished  attempts that never stopped on their own terms (crashes), including the current one
     * @param lastWorkers the workers of the latest attempts, newest last
     */
    public record Attempts(String jobId, int started, int unfinished, List<String> lastWorkers, Instant updatedAt) {

        public Attempts {
            lastWorkers = List.copyOf(lastWorkers);
        }

        /** Attempts before the current one that died without stopping cleanly. */
        public int crashed() {
            return Math.max(0, unfinished - 1);
        }
    }

    private final ImageStore store;
    private final Clock clock;

    public AttemptCounter(ImageStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public static String key(String jobId) {
        return ObjectKeys.attempts(jobId);
    }

    /** Bumps the counters for a new attempt by {@code workerId} and returns them (the new attempt included). */
    public Attempts begin(String jobId, String workerId) {
        Attempts before = read(jobId).orElse(new Attempts(jobId, 0, 0, List.of(), clock.instant()));
        List<String> workers = new ArrayList<>(before.lastWorkers());
        workers.add(workerId);
        while (workers.size() > WORKERS_KEPT) {
            workers.remove(0);
        }
        Attempts now = new Attempts(jobId, before.started() + 1, before.unfinished() + 1, workers, clock.instant());
        store.put(key(jobId), FleetJson.write(now), "application/json");
        return now;
    }

    /** The current attempt stopped on purpose (revoked, shutting down) and does not count as a crash. */
    public void stoppedCleanly(String jobId) {
        read(jobId).ifPresent(a -> store.put(key(jobId), FleetJson.write(new Attempts(jobId, a.started(),
                Math.max(0, a.unfinished() - 1), a.lastWorkers(), clock.instant())), "application/json"));
    }

    public Optional<Attempts> read(String jobId) {
        try {
            return Optional.of(FleetJson.read(store.get(key(jobId)), Attempts.class, key(jobId)));
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether the job has crashed its workers {@code maxAttempts} times already and must not be run again: the runner
     * then publishes FAILED {@code CRASH_LOOP} with {@link #describe}.
     */
    public static boolean isCrashLoop(Attempts a, int maxAttempts) {
        return a.crashed() >= maxAttempts;
    }

    /** The FAILED message for CRASH_LOOP: attempts and last workers. */
    public static String describe(Attempts a) {
        return "the job was started " + a.started() + " times and " + a.crashed()
                + " attempts ended without stopping (worker killed: out of memory or a crash); last workers: "
                + String.join(", ", a.lastWorkers()) + ". It is not retried again (ist.worker.max-job-attempts).";
    }
}
