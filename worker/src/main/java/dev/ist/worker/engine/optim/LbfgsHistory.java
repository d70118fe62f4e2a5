package dev.ist.worker.engine.optim;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.stream.IntStream;

/**
 * The L-BFGS curvature pairs (s, y) kept OUTSIDE the Java heap, in direct buffers recycled as a ring: at 2048×1536
 * twenty pairs are 1.5 GB, which in the heap would decide the worker's {@code -Xmx} (and its out-of-memory kills).
 * The arithmetic mirrors {@link Vectors} exactly (same chunks, same four-way double accumulation, same order of
 * partial sums), so moving the history off-heap changes no result.
 */
final class LbfgsHistory {
    private static final int CHUNK = 1 << 16;

    private final int capacity;
    private final FloatBuffer[] dirs;
    private final FloatBuffer[] stps;
    private final double[] rho;
    private int first;
    private int size;

    LbfgsHistory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("history size must be >= 1");
        }
        this.capacity = capacity;
        this.dirs = new FloatBuffer[capacity];
        this.stps = new FloatBuffer[capacity];
        this.rho = new double[capacity];
    }

    /** Bytes this history takes when full for vectors of {@code n} floats. */
    static long bytesWhenFull(int capacity, long n) {
        return 2L * capacity * n * Float.BYTES;
    }

    int size() {
        return size;
    }

    void clear() {
        size = 0;
        first = 0;
    }

    /** Appends (y, s, 1/ys), dropping the oldest pair when full; the arrays are copied, not kept. */
    void add(float[] y, float[] s, double ro) {
        int slot;
        if (size == capacity) {
            slot = first;
            first = (first + 1) % capacity;
        } else {
            slot = (first + size) % capacity;
            size++;
        }
        dirs[slot] = copy(dirs[slot], y);
        stps[slot] = copy(stps[slot], s);
        rho[slot] = ro;
    }

    /** The i-th oldest y. */
    FloatBuffer dir(int i) {
        return dirs[(first + i) % capacity];
    }

    FloatBuffer stp(int i) {
        return stps[(first + i) % capacity];
    }

    double rho(int i) {
        return rho[(first + i) % capacity];
    }

    private static FloatBuffer copy(FloatBuffer target, float[] v) {
        FloatBuffer b = target != null && target.capacity() == v.length ? target
                : ByteBuffer.allocateDirect(v.length * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        b.clear();
        b.put(v);
        b.flip();
        return b;
    }

    static double dot(FloatBuffer a, float[] b) {
        int n = b.length;
        if (n <= CHUNK) {
            return dot(a, b, 0, n);
        }
        double[] partial = new double[(n + CHUNK - 1) / CHUNK];
        IntStream.range(0, partial.length).parallel()
                .forEach(c -> partial[c] = dot(a, b, c * CHUNK, Math.min(n, (c + 1) * CHUNK)));
        double sum = 0;
        for (double p : partial) {
            sum += p;
        }
        return sum;
    }

    private static double dot(FloatBuffer a, float[] b, int from, int to) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = from;
        for (; i + 3 < to; i += 4) {
            s0 += a.get(i) * b[i];
            s1 += a.get(i + 1) * b[i + 1];
            s2 += a.get(i + 2) * b[i + 2];
            s3 += a.get(i + 3) * b[i + 3];
        }
        for (; i < to; i++) {
            s0 += a.get(i) * b[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** y += alpha * x. */
    static void axpy(float alpha, FloatBuffer x, float[] y) {
        int n = y.length;
        if (n <= CHUNK) {
            axpy(alpha, x, y, 0, n);
            return;
        }
        IntStream.range(0, (n + CHUNK - 1) / CHUNK).parallel()
                .forEach(c -> axpy(alpha, x, y, c * CHUNK, Math.min(n, (c + 1) * CHUNK)));
    }

    private static void axpy(float alpha, FloatBuffer x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            y[i] += alpha * x.get(i);
        }
    }
}
