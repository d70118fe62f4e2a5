package dev.ist.worker.engine;

/**
 * HISTOGRAM colour transfer (Gatys et al. 2017, "Preserving color"): a style image's colours are moved to the
 * content's mean and covariance by the linear map x' = Σc^½·Σs^-½·(x − μs) + μc, with symmetric square roots from a
 * 3×3 eigendecomposition (cyclic Jacobi). Afterwards the style's per-channel means and its full RGB covariance are the
 * content's. Values are not clamped to [0,1], which would bend the statistics; the network takes any value.
 */
public final class ColorMatch {

    /** Variance floor: a flat (single-colour) style has no spread to rescale, it just moves to the content's mean. */
    private static final double EIGEN_FLOOR = 1e-6;

    private ColorMatch() {
    }

    /** Mean (3) and covariance (3×3, row-major) of a CHW RGB image. */
    public record Stats(double[] mean, double[] cov) {
    }

    public static Stats stats(float[] chw) {
        int n = chw.length / 3;
        double[] mean = new double[3];
        for (int c = 0; c < 3; c++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += chw[c * n + i];
            }
            mean[c] = s / n;
        }
        double[] cov = new double[9];
        for (int i = 0; i < n; i++) {
            double r = chw[i] - mean[0];
            double g = chw[n + i] - mean[1];
            double b = chw[2 * n + i] - mean[2];
            cov[0] += r * r;
            cov[1] += r * g;
            cov[2] += r * b;
            cov[4] += g * g;
            cov[5] += g * b;
            cov[8] += b * b;
        }
        cov[3] = cov[1];
        cov[6] = cov[2];
        cov[7] = cov[5];
        for (int k = 0; k < 9; k++) {
            cov[k] /= n;
        }
        return new Stats(mean, cov);
    }

    /** {@code style} (CHW RGB) recoloured to the mean and covariance of {@code content}. */
    public static float[] transfer(float[] style, Stats content) {
        Stats s = stats(style);
        double[] m = multiply(power(content.cov(), 0.5), power(s.cov(), -0.5));
        int n = style.length / 3;
        float[] out = new float[style.length];
        for (int i = 0; i < n; i++) {
            double r = style[i] - s.mean()[0];
            double g = style[n + i] - s.mean()[1];
            double b = style[2 * n + i] - s.mean()[2];
            for (int c = 0; c < 3; c++) {
                out[c * n + i] = (float) (m[3 * c] * r + m[3 * c + 1] * g + m[3 * c + 2] * b + content.mean()[c]);
            }
        }
        return out;
    }

    /** A^p of a symmetric positive semi-definite 3×3 matrix, eigenvalues floored at {@link #EIGEN_FLOOR}. */
    static double[] power(double[] a, double p) {
        double[] v = new double[9];
        double[] d = eigen(a, v);
        double[] out = new double[9];
        for (int k = 0; k < 3; k++) {
            double lambda = Math.pow(Math.max(d[k], EIGEN_FLOOR), p);
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    out[3 * i + j] += v[3 * i + k] * lambda * v[3 * j + k];
                }
            }
        }
        return out;
    }

    /** Eigenvalues of symmetric {@code a}; eigenvectors into the columns of {@code vectors}. Cyclic Jacobi. */
    static double[] eigen(double[] a, double[] vectors) {
        double[] m = a.clone();
        java.util.Arrays.fill(vectors, 0);
        vectors[0] = 1;
        vectors[4] = 1;
        vectors[8] = 1;
        for (int sweep = 0; sweep < 50; sweep++) {
            double off = m[1] * m[1] + m[2] * m[2] + m[5] * m[5];
            if (off < 1e-30) {
                break;
            }
            for (int p = 0; p < 2; p++) {
                for (int q = p + 1; q < 3; q++) {
                    double apq = m[3 * p + q];
                    if (Math.abs(apq) < 1e-300) {
                        continue;
                    }
                    double theta = (m[3 * q + q] - m[3 * p + p]) / (2 * apq);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    rotate(m, vectors, p, q, c, s);
                }
            }
        }
        return new double[] {m[0], m[4], m[8]};
    }

    /** m ← Jᵀ·m·J and v ← v·J for the Givens rotation J in plane (p, q). */
    private static void rotate(double[] m, double[] v, int p, int q, double c, double s) {
        for (int k = 0; k < 3; k++) { // columns: m·J
            double mkp = m[3 * k + p];
            double mkq = m[3 * k + q];
            m[3 * k + p] = c * mkp - s * mkq;
            m[3 * k + q] = s * mkp + c * mkq;
        }
        for (int k = 0; k < 3; k++) { // rows: Jᵀ·m
            double mpk = m[3 * p + k];
            double mqk = m[3 * q + k];
            m[3 * p + k] = c * mpk - s * mqk;
            m[3 * q + k] = s * mpk + c * mqk;
        }
        for (int k = 0; k < 3; k++) {
            double vkp = v[3 * k + p];
            double vkq = v[3 * k + q];
            v[3 * k + p] = c * vkp - s * vkq;
            v[3 * k + q] = s * vkp + c * vkq;
        }
    }

    private static double[] multiply(double[] a, double[] b) {
        double[] out = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 3; k++) {
                    out[3 * i + j] += a[3 * i + k] * b[3 * k + j];
                }
            }
        }
        return out;
    }
}
