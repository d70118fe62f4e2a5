package dev.ist.worker.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Arrays made here belong to the manager of the evaluated features (DJL gives a result to its first operand's
 * manager), so callers put the per-evaluation operand first.
 *
 * <p>The feature statistics the style losses compare, as differentiable NDArray operations: guided Gram matrices and
 * means (Gatys et al. 2017), and the 2-Wasserstein distance between Gaussian fits of two feature distributions.
 *
 * <p>Guided Gram matrix of a (1,C,H,W) map F under a mask m of the same H×W:
 * G = Σ_p m(p)²·F(p)F(p)ᵀ / (C·Σ_p m(p)²), i.e. the Gram matrix of the masked features F∘m, normalised by the mask's
 * area (Σm²) so a region of any size has statistics of the same magnitude, and an all-white mask gives exactly the
 * plain G = F·Fᵀ/(C·H·W). The guided mean is μ = Σ_p m(p)²·F(p) / Σ_p m(p)², the same weighting.
 */
final class StyleStatistics {

    /** Regularisation added to both covariances (as crowsonkb/style-transfer-pytorch's StyleLossW2 does). */
    static final float W2_EPS = 1e-4f;
    /** Newton–Schulz iterations for the matrix square roots (forward; the gradient goes through the same ops). */
    static final int SQRT_ITERATIONS = 12;

    private StyleStatistics() {
    }

    /** (C, H·W) view of a (1, C, H, W) activation. */
    static NDArray flat(NDArray features) {
        Shape s = features.getShape();
        return features.reshape(s.get(1), s.get(2) * s.get(3));
    }

    /** The guided Gram matrix of {@code features} under {@code maskRow} (1, H·W); null mask = the plain Gram. */
    static NDArray gram(NDArray features, NDArray maskRow, double maskSumSquares) {
        if (maskRow == null) {
            return VggNetwork.gram(features);
        }
        NDArray f = flat(features);
        long c = f.getShape().get(0);
        NDArray fm = f.mul(maskRow);
        return Scalars.div(fm.matMul(fm.transpose()), c * maskSumSquares);
    }

    /** The guided mean (C) of {@code features}; null mask = the plain mean over positions. */
    static NDArray mean(NDArray features, NDArray maskRow, double maskSumSquares) {
        NDArray f = flat(features);
        if (maskRow == null) {
            return f.mean(new int[] {1});
        }
        return Scalars.div(f.mul(maskRow).mul(maskRow).sum(new int[] {1}), maskSumSquares);
    }

    /** A style target of the W2 loss: mean, covariance and its square root, constants. */
    record W2Target(NDArray mean, NDArray cov, NDArray covSqrt, double covTrace) {

        /** From a target Gram matrix G (C×C, normalised by C·N) and mean μ: Σ = C·G − μμᵀ + εI. */
        static W2Target of(NDArray gram, NDArray mean) {
            NDArray cov = covariance(gram, mean);
            return new W2Target(mean, cov, sqrtm(cov), trace(cov).getFloat());
        }
    }

    /** Σ = C·G − μμᵀ + εI from a Gram matrix normalised by C·N (so C·G is the second raw moment). */
    static NDArray covariance(NDArray gram, NDArray mean) {
        long c = gram.getShape().get(0);
        NDArray m = mean.reshape(c, 1);
        return Scalars.mul(gram, c).sub(m.matMul(m.transpose())).add(Scalars.mul(eye(gram.getManager(), c), W2_EPS));
    }

    /**
     * The squared 2-Wasserstein distance between N(μ, Σ) and the target's Gaussian, per channel:
     * mean_c((μ − μₜ)²) + tr(Σₜ + Σ − 2·(Σₜ^½ Σ Σₜ^½)^½)/C. Differentiable in {@code mean} and {@code gram}.
     */
    static NDArray w2(NDArray mean, NDArray gram, W2Target target) {
        long c = gram.getShape().get(0);
        NDArray cov = covariance(gram, mean);
        NDArray meanTerm = mean.sub(target.mean()).square().mean();
        // Σₜ^½·Σ·Σₜ^½ with the evaluation's array first (a result belongs to its first operand's manager): both are
        // symmetric, so (Σ·Σₜ^½)ᵀ = Σₜ^½·Σ
        NDArray cross = sqrtm(cov.matMul(target.covSqrt()).transpose().matMul(target.covSqrt()));
        NDArray covTerm = Scalars.div(Scalars.add(trace(cov).sub(Scalars.mul(trace(cross), 2)), target.covTrace()), c);
        return meanTerm.add(covTerm);
    }

    /**
     * The square root of a symmetric positive semi-definite matrix by coupled Newton–Schulz iterations
     * (Y₀ = A/‖A‖_F, Z₀ = I; T = (3I − Z·Y)/2, Y ← Y·T, Z ← T·Z; √A ≈ Y·√‖A‖_F): matrix products only, so DJL's
     * autograd differentiates it (DJL offers no differentiable eigendecomposition).
     */
    static NDArray sqrtm(NDArray a) {
        long n = a.getShape().get(0);
        NDManager m = a.getManager();
        NDArray norm = a.square().sum().sqrt();
        NDArray y = a.div(norm);
        NDArray identity = eye(m, n);
        NDArray threeI = Scalars.mul(identity, 3);
        NDArray z = identity;
        for (int i = 0; i < SQRT_ITERATIONS; i++) {
            NDArray t = Scalars.div(threeI.sub(z.matMul(y)), 2);
            y = y.matMul(t);
            z = t.matMul(z);
        }
        return y.mul(norm.sqrt());
    }

    static NDArray trace(NDArray square) {
        long n = square.getShape().get(0);
        return square.mul(eye(square.getManager(), n)).sum();
    }

    private static NDArray eye(NDManager manager, long n) {
        return manager.eye((int) n);
    }
}
