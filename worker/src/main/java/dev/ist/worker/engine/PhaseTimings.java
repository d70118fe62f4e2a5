package dev.ist.worker.engine;

/** Where a transfer spent its wall time, in milliseconds. */
public record PhaseTimings(long prepareMs, long styleTargetsMs, long optimiseMs, long finishMs) {
    public long totalMs() {
        return prepareMs + styleTargetsMs + optimiseMs + finishMs;
    }
}
