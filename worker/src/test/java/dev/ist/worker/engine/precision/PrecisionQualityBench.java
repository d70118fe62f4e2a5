package dev.ist.worker.engine.precision;

import dev.ist.common.job.Precision;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.ist.common.job.Pooling;
import dev.ist.worker.engine.Preprocessing;
import dev.ist.worker.engine.Vgg19Weights;
import dev.ist.worker.engine.optim.Evaluation;
import dev.ist.worker.engine.optim.Lbfgs;
import dev.ist.worker.engine.optim.Objective;
import dev.ist.worker.engine.weights.RandomWeights;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The quality side of bf16: the engine's L-BFGS (history 20, lr 1, from the content image, the engine's default
 * weights α=1, β=1e5) run for N iterations on {@link ScriptedVgg19} in fp32 and in bf16 with a seeded random VGG19;
 * prints each run's final loss, both results scored by the fp32 loss, and the PSNR between the two images.
 * Args: {@code [size=128] [iterations=100] [bf16 run's targets: FP32|BF16, default FP32]}. Figures only.
 */
public final class PrecisionQualityBench {
    private PrecisionQualityBench() {
    }

    public static void main(String[] args) {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 128;
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        Precision targets = args.length > 2 ? Precision.valueOf(args[2]) : Precision.FP32;
        Vgg19Weights weights = RandomWeights.vgg19(1);
        SplittableRandom random = new SplittableRandom(5);
        float[] content = smooth(size, random);
        float[] style = smooth(size, random);
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
             ScriptedVgg19 net = ScriptedVgg19.load(manager, weights);
             ScriptedGatysLoss fp32 = loss(net, manager, Precision.FP32, content, style, size);
             ScriptedGatysLoss bf16 = new ScriptedGatysLoss(net, manager, Preprocessing.TORCHVISION, Pooling.MAX,
                     Precision.BF16, targets, content, size, size, style, size, size, 1.0, 1e5, 0.0,
                     List.of(1.0, 1.0, 1.0, 1.0, 1.0))) {
            float[] a = content.clone();
            float[] b = content.clone();
            long t0 = System.nanoTime();
            double lossA = run(fp32::evaluation, a, iterations);
            long t1 = System.nanoTime();
            int[] evaluations = {0};
            String[] fellBack = {null};
            Bf16Fallback fallback = new Bf16Fallback(Precision.BF16, reason -> fellBack[0] = "evaluation "
                    + evaluations[0] + " (image finite: " + (Bf16Fallback.nonFinite(0, b) == null) + "): " + reason);
            double lossB = run(xs -> {
                evaluations[0]++;
                return fallback.evaluate(p -> (p == Precision.BF16 ? bf16 : fp32).evaluation(xs));
            }, b, iterations);
            long t2 = System.nanoTime();
            double bScoredFp32 = fp32.evaluate(b).total();
            System.out.printf(Locale.ROOT, "%d px, %d L-BFGS iterations, random VGG19 (seed 1), CPU bf16: %s, "
                    + "bf16 run's targets in %s%n", size, iterations, CpuFeatures.detect(), targets);
            System.out.printf(Locale.ROOT, "fp32 run: final loss %.6g (%.1f s)%n", lossA, (t1 - t0) / 1e9);
            System.out.printf(Locale.ROOT, "bf16 run (%d evaluations): final loss %.6g in %s, %.6g scored in fp32 "
                    + "(%.1f s); fp32 fallback: %s%n", evaluations[0], lossB, fallback.current(), bScoredFp32,
                    (t2 - t1) / 1e9, fellBack[0] == null ? "none" : fellBack[0]);
            System.out.printf(Locale.ROOT, "fp32-scored loss of the bf16 result vs the fp32 result: %+.2f %%%n",
                    100 * (bScoredFp32 - lossA) / lossA);
            System.out.printf(Locale.ROOT, "PSNR between the two results: %.1f dB%n", dev.ist.worker.bench.PrecisionBench.psnr(a, b));
        }
    }

    private static double run(Objective objective, float[] x, int iterations) {
        Lbfgs lbfgs = new Lbfgs(new Lbfgs.Options(1.0, 20, 0, 0, false, 25));
        Evaluation ev = lbfgs.start(x, objective);
        for (int i = 0; i < iterations && !lbfgs.converged(); i++) {
            ev = lbfgs.iterate(x, objective);
        }
        return ev.loss();
    }

    private static ScriptedGatysLoss loss(ScriptedVgg19 net, NDManager manager, Precision p, float[] content,
                                          float[] style, int size) {
        return new ScriptedGatysLoss(net, manager, Preprocessing.TORCHVISION, Pooling.MAX, p, content, size, size,
                style, size, size, 1.0, 1e5, 0.0, List.of(1.0, 1.0, 1.0, 1.0, 1.0));
    }

    /** Low-frequency colour waves plus a little noise, CHW in [0,1]. */
    private static float[] smooth(int size, SplittableRandom random) {
        float[] x = new float[3 * size * size];
        for (int c = 0; c < 3; c++) {
            double fx = 1 + random.nextDouble() * 4;
            double fy = 1 + random.nextDouble() * 4;
            double phase = random.nextDouble() * Math.PI;
            for (int y = 0; y < size; y++) {
                for (int xx = 0; xx < size; xx++) {
                    double v = 0.5 + 0.35 * Math.sin(fx * xx * 2 * Math.PI / size + phase)
                            * Math.cos(fy * y * 2 * Math.PI / size) + 0.05 * (random.nextDouble() - 0.5);
                    x[(c * size + y) * size + xx] = (float) Math.max(0, Math.min(1, v));
                }
            }
        }
        return x;
    }
}
