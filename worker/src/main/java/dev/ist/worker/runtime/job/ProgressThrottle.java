package dev.ist.worker.runtime.job;

/**
 * Decides which iterations get a PROGRESS event: the first and the last always; otherwise only when at least
 * {@code everyIterations} iterations AND {@code minIntervalNanos} have passed since the last one published
 * (whichever is later). Not thread-safe: one per job, called on the engine thread.
 */
final class ProgressThrottle {

    private final int everyIterations;
    private final long minIntervalNanos;
    private boolean published;
    private int lastIteration;
    private long lastNanos;

    ProgressThrottle(int everyIterations, long minIntervalNanos) {
        this.everyIterations = everyIterations;
        this.minIntervalNanos = minIntervalNanos;
    }

    /** Whether iteration {@code iteration}, seen at {@code nowNanos}, is published; records it when it is. */
    boolean due(int iteration, long nowNanos, boolean last) {
        boolean due = !published || last
                || (iteration - lastIteration >= everyIterations && nowNanos - lastNanos >= minIntervalNanos);
        if (due) {
            published = true;
            lastIteration = iteration;
            lastNanos = nowNanos;
        }
        return due;
    }
}
