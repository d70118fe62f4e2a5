package dev.ist.worker.engine.optim;

/**
 * One optimiser run over one level, as the engine's loop drives it: evaluate at the start, then one iteration at a
 * time (each moves {@code x} in place and returns the evaluation there), until the iterations run out or the
 * minimizer says it converged. L-BFGS and Adam are two of these, so the loop has no branch per optimiser.
 */
public interface Minimizer {

    /** Evaluates {@code f} at the starting point {@code x}. */
    Evaluation start(float[] x, Objective f);

    /** One iteration from {@code x} (updated in place), whose last evaluation is {@code current}. */
    Evaluation iterate(float[] x, Evaluation current, Objective f);

    /** Stopped by its own criteria (tolerances) before the iterations ran out. */
    default boolean converged() {
        return false;
    }

    /** Shorter steps taken so far because an evaluation came out NaN or infinite. */
    int recoveries();

    /** What a checkpoint keeps to resume this minimizer exactly (empty: its state is rebuilt from the iterate). */
    default byte[] state() {
        return new byte[0];
    }
}
