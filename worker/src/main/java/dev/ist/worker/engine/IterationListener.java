package dev.ist.worker.engine;

/** Receives one report per iteration, on the engine's thread; keep it quick. */
@FunctionalInterface
public interface IterationListener {
    IterationListener NONE = report -> { };

    void onIteration(IterationReport report);

    /**
     * The run left bf16 for fp32 (non-finite values; {@code reason} says which), called once, when it happens: so a
     * run that is later cancelled or fails is counted too.
     */
    default void onPrecisionFallback(String reason) {
    }

    /**
     * An fp32 evaluation came out NaN or infinite and the optimiser stepped around it with {@code retries} shorter
     * steps from its last finite point (the result stays honest: no non-finite point is ever accepted).
     */
    default void onNonFiniteRecovery(int retries) {
    }
}
