package dev.ist.worker.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Arithmetic with a number for arrays that may be part of a recorded graph. Engine code calls these, never DJL's
 * {@code NDArray} overloads that take a {@link Number} ({@code EngineArchitectureTest} keeps it so).
 *
 * <p>Why: DJL 0.36's {@code mul(Number)}, {@code div(Number)} and the other scalar overloads wrap the number in a
 * one-value tensor over a fresh direct buffer and close that tensor right after the forward op. libtorch's autograd
 * keeps the scalar for the backward pass (the gradient of {@code a·s} is {@code s}), but its memory then belongs to a
 * direct buffer no Java object references: a garbage collection between forward and backward frees it, and the
 * gradient is computed with whatever the allocator put there (run-to-run differences, NaN losses). Here the scalar is
 * an array of the operand's own manager, so it lives as long as the operand does: an evaluation's arrays, and the
 * scalars among them, are freed together when its manager closes, after the backward pass.
 */
public final class Scalars {

    private Scalars() {
    }

    /** {@code value} as a 0-d float32 array owned by {@code manager}. */
    public static NDArray of(NDManager manager, double value) {
        return manager.create((float) value);
    }

    /** a·value. */
    public static NDArray mul(NDArray a, double value) {
        return a.mul(of(a.getManager(), value));
    }

    /** a / value. */
    public static NDArray div(NDArray a, double value) {
        return a.div(of(a.getManager(), value));
    }

    /** a + value. */
    public static NDArray add(NDArray a, double value) {
        return a.add(of(a.getManager(), value));
    }

    /** a /= value, in place (arrays outside any recorded graph: sums being normalised). */
    public static NDArray divInPlace(NDArray a, double value) {
        return a.divi(of(a.getManager(), value));
    }
}
