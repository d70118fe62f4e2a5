package dev.ist.worker.engine;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HISTOGRAM colour transfer: the recoloured style has the content's colour mean and covariance. */
class ColorMatchTest {

    /** CHW pixels with correlated channels around {@code base}. */
    private static float[] pixels(int n, double[] base, double[][] mix, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] out = new float[3 * n];
        for (int i = 0; i < n; i++) {
            double[] z = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
            for (int c = 0; c < 3; c++) {
                double v = base[c];
                for (int k = 0; k < 3; k++) {
                    v += mix[c][k] * z[k];
                }
                out[c * n + i] = (float) v;
            }
        }
        return out;
    }

    @Test
    void theTransferredStyleHasTheContentsMeanAndCovariance() {
        float[] content = pixels(4000, new double[] {0.3, 0.5, 0.6},
                new double[][] {{0.10, 0.02, 0.0}, {0.05, 0.08, 0.01}, {0.0, 0.03, 0.12}}, 1);
        float[] style = pixels(3000, new double[] {0.8, 0.2, 0.1},
                new double[][] {{0.20, 0.0, 0.05}, {-0.04, 0.06, 0.0}, {0.01, 0.02, 0.03}}, 2);
        ColorMatch.Stats target = ColorMatch.stats(content);
        ColorMatch.Stats moved = ColorMatch.stats(ColorMatch.transfer(style, target));
        double worstMean = 0;
        double worstCov = 0;
        for (int c = 0; c < 3; c++) {
            worstMean = Math.max(worstMean, Math.abs(moved.mean()[c] - target.mean()[c]));
        }
        for (int k = 0; k < 9; k++) {
            worstCov = Math.max(worstCov, Math.abs(moved.cov()[k] - target.cov()[k]));
        }
        System.out.printf("histogram transfer: worst mean error %.2e, worst covariance error %.2e (content variances"
                + " %.2e..%.2e)%n", worstMean, worstCov, target.cov()[0], target.cov()[8]);
        assertTrue(worstMean < 1e-5, "means " + worstMean);
        assertTrue(worstCov < 1e-5, "covariances " + worstCov);
        for (int c = 0; c < 3; c++) {
            assertEquals(Math.sqrt(target.cov()[4 * c]), Math.sqrt(moved.cov()[4 * c]), 1e-4, "std of channel " + c);
        }
    }

    @Test
    void aSingleColourStyleMovesToTheContentsMean() {
        float[] content = pixels(500, new double[] {0.2, 0.4, 0.9},
                new double[][] {{0.1, 0, 0}, {0, 0.1, 0}, {0, 0, 0.1}}, 3);
        float[] flat = new float[3 * 100];
        java.util.Arrays.fill(flat, 0.7f);
        ColorMatch.Stats target = ColorMatch.stats(content);
        ColorMatch.Stats moved = ColorMatch.stats(ColorMatch.transfer(flat, target));
        for (int c = 0; c < 3; c++) {
            assertEquals(target.mean()[c], moved.mean()[c], 1e-6);
        }
    }

    @Test
    void theEigendecompositionReconstructsTheMatrix() {
        double[] a = {2.0, 0.3, -0.4, 0.3, 1.0, 0.2, -0.4, 0.2, 0.5};
        double[] root = ColorMatch.power(a, 0.5);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double v = 0;
                for (int k = 0; k < 3; k++) {
                    v += root[3 * i + k] * root[3 * k + j];
                }
                assertEquals(a[3 * i + j], v, 1e-10);
            }
        }
    }
}
