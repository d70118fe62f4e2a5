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

    /** The starting point's evaluation {@code e} is not finite: nothing to step back to. */
    static NonFiniteEvaluationException atStart(Evaluation e) {
        return new NonFiniteEvaluationException("the starting point's evaluation is not finite ("
                + e.nonFiniteParts() + ")");
    }

    /** Still {@code e} after the last of {@link #MAX_RECOVERIES} shorter steps. */
    static NonFiniteEvaluationException afterRetries(Evaluation e) {
        return new NonFiniteEvaluationException("still not finite (" + e.nonFiniteParts() + ") after "
                + MAX_RECOVERIES + " shorter steps from the last finite point");
    }
}
