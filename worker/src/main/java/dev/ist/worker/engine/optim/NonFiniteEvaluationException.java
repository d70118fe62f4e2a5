package dev.ist.worker.engine.optim;

/**
 * The objective gave a NaN or infinite loss or gradient where the optimiser cannot step around it honestly: at the
 * starting point, or still after {@link #MAX_RECOVERIES} shorter steps from the last finite point.
 */
public final class NonFiniteEvaluationException extends RuntimeException {
    /** Shorter steps an optimiser tries from its last finite point before it gives up. */
    public static final int MAX_RECOVERIES = 10;

    public NonFiniteEvaluationException(String message) {
        super(message);
    }
}
