package dev.ist.worker.engine.optim;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Adam as {@code torch.optim.Adam} (β1 = 0.9, β2 = 0.999, ε = 1e-8, no weight decay). */
public final class Adam {
    private final double lr;
    private final double beta1 = 0.9;
    private final double beta2 = 0.999;
    private final double eps = 1e-8;
    private float[] m;
    private float[] v;
    private int step;

    public Adam(double learningRate) {
        this.lr = learningRate;
    }

    /** Moves {@code x} one step against {@code grad}. */
    public void step(float[] x, float[] grad) {
        if (m == null) {
            m = new float[x.length];
            v = new float[x.length];
        }
        step++;
        double bias1 = 1 - Math.pow(beta1, step);
        double bias2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
        float stepSize = (float) (lr / bias1);
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        for (int i = 0; i < x.length; i++) {
            float gi = grad[i];
            m[i] = b1 * m[i] + (1 - b1) * gi;
            v[i] = b2 * v[i] + (1 - b2) * gi * gi;
            float denom = (float) (Math.sqrt(v[i]) / bias2Sqrt + eps);
            x[i] -= stepSize * m[i] / denom;
        }
    }

    public int stepCount() {
        return step;
    }

    /** step count + both moments, little-endian; empty before the first step. */
    public byte[] stateBytes() {
        if (m == null) {
            return new byte[0];
        }
        ByteBuffer b = ByteBuffer.allocate(8 + 8L * m.length > Integer.MAX_VALUE ? 0 : 8 + 8 * m.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(step).putInt(m.length);
        b.asFloatBuffer().put(m).put(v);
        return b.array();
    }

    /** Restores {@link #stateBytes()} for a vector of {@code n} elements; ignores state of another size. */
    public void restore(byte[] state, int n) {
        if (state == null || state.length != 8 + 8 * n) {
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
        step = s;
    }
}
