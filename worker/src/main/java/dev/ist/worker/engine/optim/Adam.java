package dev.ist.worker.engine.optim;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Adam as {@code torch.optim.Adam} (β1 = 0.9, β2 = 0.999, ε = 1e-8, no weight decay).
 *
 * <p>A NaN or infinite evaluation is never stepped on: at the starting point it is an error
 * ({@link NonFiniteEvaluationException}); after a step, the step is taken back and taken again at half the learning
 * rate (the moments hold only finite gradients, so they stay), at most {@link NonFiniteEvaluationException#MAX_RECOVERIES}
 * times. The halved rate stays for the rest of the run and is part of {@link #stateBytes()}, so a resumed run continues
 * exactly as an uninterrupted one.
 */
public final class Adam implements Minimizer {
    private final double lr;
    private final double beta1 = 0.9;
    private final double beta2 = 0.999;
    private final double eps = 1e-8;
    private float[] m;
    private float[] v;
    private int step;
    /** The fraction of the learning rate in force: 1, or less after non-finite steps were retried. */
    private float rateScale = 1f;
    private int recoveries;

    public Adam(double learningRate) {
        this.lr = learningRate;
    }

    /** Evaluates the starting point. */
    @Override
    public Evaluation start(float[] x, Objective f) {
        Evaluation e = f.evaluate(x);
        if (!e.isFinite()) {
            throw NonFiniteEvaluationException.atStart(e);
        }
        return e;
    }

    /** One step from {@code current} (the evaluation at {@code x}); returns the evaluation at the moved {@code x}. */
    @Override
    public Evaluation iterate(float[] x, Evaluation current, Objective f) {
        step(x, current.gradient());
        Evaluation next = f.evaluate(x);
        int retries = 0;
        while (!next.isFinite()) {
            if (retries++ == NonFiniteEvaluationException.MAX_RECOVERIES) {
                throw NonFiniteEvaluationException.afterRetries(next);
            }
            recoveries++;
            move(x, 1f);
            rateScale /= 2;
            move(x, -1f);
            next = f.evaluate(x);
        }
        return next;
    }

    /** Moves {@code x} one step against {@code grad}. */
    public void step(float[] x, float[] grad) {
        if (m == null) {
            m = new float[x.length];
            v = new float[x.length];
        }
        step++;
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        for (int i = 0; i < x.length; i++) {
            float gi = grad[i];
            m[i] = b1 * m[i] + (1 - b1) * gi;
            v[i] = b2 * v[i] + (1 - b2) * gi * gi;
        }
        move(x, -1f);
    }

    /** x += sign·(the current step's update), from the moments as they stand. */
    private void move(float[] x, float sign) {
        double bias1 = 1 - Math.pow(beta1, step);
        double bias2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
        // ±stepSize: negation is exact, so x + (−s)·m/d is bit for bit x − s·m/d
        float signedStep = sign * (float) (lr * rateScale / bias1);
        for (int i = 0; i < x.length; i++) {
            float denom = (float) (Math.sqrt(v[i]) / bias2Sqrt + eps);
            x[i] += signedStep * m[i] / denom;
        }
    }

    public int stepCount() {
        return step;
    }

    /** Non-finite evaluations stepped around so far (each a retry at half the rate). */
    @Override
    public int recoveries() {
        return recoveries;
    }

    /** step count, length, both moments and the rate scale, little-endian; empty before the first step. */
    @Override
    public byte[] state() {
        return stateBytes();
    }

    public byte[] stateBytes() {
        if (m == null) {
            return new byte[0];
        }
        int n = m.length;
        ByteBuffer b = ByteBuffer.allocate(12 + 8 * n).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(step).putInt(n);
        b.asFloatBuffer().put(m).put(v);
        b.putFloat(8 + 8 * n, rateScale);
        return b.array();
    }

    /**
     * Restores {@link #stateBytes()} for a vector of {@code n} elements (also the older form without the rate scale);
     * ignores state of another size.
     */
    public void restore(byte[] state, int n) {
        if (state == null || (state.length != 8 + 8 * n && state.length != 12 + 8 * n)) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(state).order(ByteOrder.LITTLE_ENDIAN);
        int s = b.getInt();
        if (b.getInt() != n) {
            return;
        }
        m = new float[n];
        v = new float[n];
        b.asFloatBuffer().get(m).get(v);
        rateScale = state.length == 12 + 8 * n ? b.getFloat(8 + 8 * n) : 1f;
        step = s;
    }
}
