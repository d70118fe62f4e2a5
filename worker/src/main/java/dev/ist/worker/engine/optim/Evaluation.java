package dev.ist.worker.engine.optim;

/**
 * The objective at one point: its value, its gradient (owned by this record, never mutated), and an
 * opaque payload the caller attaches (the engine keeps the separate loss terms there).
 */
public record Evaluation(double loss, float[] gradient, Object detail) {
}
