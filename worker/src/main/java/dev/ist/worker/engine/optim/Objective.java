package dev.ist.worker.engine.optim;

/** A differentiable function of a flat float vector. */
@FunctionalInterface
public interface Objective {
    /** Value and gradient at {@code x}; must not keep or modify {@code x}. */
    Evaluation evaluate(float[] x);
}
