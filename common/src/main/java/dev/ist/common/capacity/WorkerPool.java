package dev.ist.common.capacity;

import java.util.regex.Pattern;

/**
 * Worker pools: the unit of routing by capacity. Every worker belongs to one pool ({@code ist.worker.pool}, default
 * {@value #DEFAULT}) and consumes only its pool's jobs topics ({@link dev.ist.common.Topics#forPool(String)}); the
 * workers of a pool should share one memory budget and device kind, since any of them may take any of its jobs. The
 * gateway publishes a job to the default pool unless the default pool is known not to fit it, and then to the
 * smallest pool that does; so a job that fits only a bigger worker class is never taken by a smaller one.
 */
public final class WorkerPool {
    /** The pool of workers that name none, and of records written before pools existed. */
    public static final String DEFAULT = "default";

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    private WorkerPool() {
    }

    /** Whether {@code name} can name a pool: lower-case letters, digits and '-', 1 to 32, safe in a topic name. */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** {@code name}, or {@link #DEFAULT} when null or blank. */
    public static String orDefault(String name) {
        return name == null || name.isBlank() ? DEFAULT : name;
    }

    public static boolean isDefault(String name) {
        return DEFAULT.equals(orDefault(name));
    }
}
