package dev.ist.worker.engine.optim;

import java.util.stream.IntStream;

/**
 * The few vector operations the optimisers need, on plain float arrays with double accumulation.
 * Long vectors are split into fixed chunks processed in parallel; partial sums are added in chunk
 * order, so results do not depend on thread scheduling.
 */
final class Vectors {
    private static final int CHUNK = 1 << 16;

    private Vectors() {
    }

    private static int chunks(int n) {
        return (n + CHUNK - 1) / CHUNK;
    }

    static double dot(float[] a, float[] b) {
        int n = a.length;
        if (n <= CHUNK) {
            return dot(a, b, 0, n);
        }
        double[] partial = new double[chunks(n)];
        IntStream.range(0, partial.length).parallel()
                .forEach(c -> partial[c] = dot(a, b, c * CHUNK, Math.min(n, (c + 1) * CHUNK)));
        double sum = 0;
        for (double p : partial) {
            sum += p;
        }
        return sum;
    }

    private static double dot(float[] a, float[] b, int from, int to) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = from;
        for (; i + 3 < to; i += 4) {
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
            s2 += a[i + 2] * b[i + 2];
            s3 += a[i + 3] * b[i + 3];
        }
        for (; i < to; i++) {
            s0 += a[i] * b[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** y += alpha * x. */
    static void axpy(float alpha, float[] x, float[] y) {
        int n = y.length;
        if (n <= CHUNK) {
            axpy(alpha, x, y, 0, n);
            return;
        }
        IntStream.range(0, chunks(n)).parallel().forEach(c -> axpy(alpha, x, y, c * CHUNK, Math.min(n, (c + 1) * CHUNK)));
    }

    private static void axpy(float alpha, float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            y[i] += alpha * x[i];
        }
    }

    static double absMax(float[] a) {
        float m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    static boolean allFinite(float[] a) {
        for (float v : a) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    static long nonFiniteCount(float[] a) {
        long n = 0;
        for (float v : a) {
            if (!Float.isFinite(v)) {
                n++;
            }
        }
        return n;
    }

    static double absSum(float[] a) {
        double s = 0;
        for (float v : a) {
            s += Math.abs(v);
        }
        return s;
    }
}
