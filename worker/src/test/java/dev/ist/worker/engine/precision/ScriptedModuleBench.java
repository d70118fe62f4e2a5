package dev.ist.worker.engine.precision;

import dev.ist.common.job.Precision;
import dev.ist.worker.bench.EngineBench;
import dev.ist.worker.bench.PrecisionBench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.ist.worker.engine.EngineObjectiveProbe;
import dev.ist.worker.engine.ImageOps;
import dev.ist.common.job.Pooling;
import dev.ist.worker.engine.Preprocessing;
import dev.ist.worker.engine.StyleTransferEngine;
import dev.ist.worker.engine.Vgg19Weights;
import dev.ist.worker.engine.optim.Evaluation;
import dev.ist.worker.engine.weights.RandomWeights;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The module-level companion of {@code ist bench --precision} ({@link dev.ist.worker.bench.PrecisionBench}, which times
 * whole transfers through the engine): prints ms per evaluation (forward + backward of the Gatys loss: conv4_2 content, relu1_1..relu5_1 style, TV) of a
 * seeded random VGG19, per size: the engine's own fp32 objective (DJL operations), and {@link ScriptedVgg19}'s
 * TorchScript module in fp32 and bf16, each in NCHW and channels-last. The variants run round-robin, one evaluation
 * each per round, so a shared machine's load falls on all of them alike; median and minimum per variant, the load
 * average before and after, and how far each variant's loss and gradient are from the engine's at the same image.
 * Run on the test classpath (as {@code ./ist bench-fast} does for its bench):
 * {@code mvn -q -pl worker -am test-compile dependency:build-classpath -Dmdep.includeScope=test
 * -Dmdep.outputFile=target/test-classpath.txt}, then {@code OMP_WAIT_POLICY=PASSIVE java -Dai.djl.offline=true -cp
 * worker/target/test-classes:worker/target/classes:$(cat worker/target/test-classpath.txt)
 * dev.ist.worker.engine.precision.ScriptedModuleBench [sizes=256,512] [warmup=1] [rounds=5]}. Figures only.
 */
public final class ScriptedModuleBench {
    private ScriptedModuleBench() {
    }

    private record Variant(String name, Function<float[], Evaluation> evaluate) {
    }

    public static void main(String[] args) {
        List<Integer> sizes = new ArrayList<>();
        for (String s : (args.length > 0 ? args[0] : "256,512").split(",")) {
            sizes.add(Integer.parseInt(s.trim()));
        }
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Vgg19Weights weights = RandomWeights.vgg19(1);
        Engine engine = Engine.getEngine("PyTorch");
        System.out.printf(Locale.ROOT, "precision bench: %s %s, DJL %s, intra-op threads %s, %d cores, CPU bf16: %s "
                        + "(AUTO → %s), OMP_WAIT_POLICY=%s, warmup %d, rounds %d%n", engine.getEngineName(),
                engine.getVersion(), Engine.getDjlVersion(),
                System.getProperty("ai.djl.pytorch.num_threads", "DJL default"),
                Runtime.getRuntime().availableProcessors(), CpuFeatures.detect(),
                PrecisionSelector.select(Precision.AUTO, CpuFeatures.detect(), null).precision(),
                System.getenv().getOrDefault("OMP_WAIT_POLICY", "unset"), warmup, rounds);
        System.out.println("| size | variant | median ms | min ms | vs engine (median) | loss rel. diff vs engine "
                + "| gradient cosine vs engine | load avg 1 min |");
        System.out.println("|---:|---|---:|---:|---:|---:|---:|---|");
        try (StyleTransferEngine ist = new StyleTransferEngine(weights, "cpu");
             NDManager manager = engine.newBaseManager();
             ScriptedVgg19 nchw = ScriptedVgg19.load(manager, weights, false);
             ScriptedVgg19 nhwc = ScriptedVgg19.load(manager, weights, true)) {
            for (int size : sizes) {
                row(ist, manager, nchw, nhwc, size, warmup, rounds);
            }
        }
    }

    private static void row(StyleTransferEngine ist, NDManager manager, ScriptedVgg19 nchw, ScriptedVgg19 nhwc,
                            int size, int warmup, int rounds) {
        BufferedImage content = EngineBench.pattern(size, size, 1);
        BufferedImage style = EngineBench.pattern(size, size, 2);
        float[] c = ImageOps.toChw(content);
        float[] s = ImageOps.toChw(style);
        float[] x = noise(3 * size * size, 3);
        double alpha = 1;
        double beta = 1e5;
        double gamma = 0;
        List<AutoCloseable> open = new ArrayList<>();
        try {
            EngineObjectiveProbe probe = new EngineObjectiveProbe(ist, content, style, size, alpha, beta, gamma);
            open.add(probe);
            List<Variant> variants = new ArrayList<>();
            variants.add(new Variant("engine fp32 (DJL ops)", probe::evaluate));
            for (ScriptedVgg19 net : List.of(nchw, nhwc)) {
                for (Precision p : List.of(Precision.FP32, Precision.BF16)) {
                    ScriptedGatysLoss loss = new ScriptedGatysLoss(net, manager, Preprocessing.TORCHVISION,
                            Pooling.MAX, p, c, size, size, s, size, size, alpha, beta, gamma,
                            List.of(1.0, 1.0, 1.0, 1.0, 1.0));
                    open.add(loss);
                    variants.add(new Variant("module " + p.name().toLowerCase(Locale.ROOT)
                            + (net == nhwc ? " channels-last" : " NCHW"), xs -> {
                                ScriptedGatysLoss.Result r = loss.evaluate(xs);
                                return new Evaluation(r.total(), r.gradient(), null);
                            }));
                }
            }
            String loadBefore = PrecisionBench.loadAverage();
            double[][] ms = new double[variants.size()][rounds];
            Evaluation[] last = new Evaluation[variants.size()];
            for (int round = 0; round < warmup + rounds; round++) {
                for (int v = 0; v < variants.size(); v++) {
                    long t0 = System.nanoTime();
                    last[v] = variants.get(v).evaluate().apply(x);
                    if (round >= warmup) {
                        ms[v][round - warmup] = (System.nanoTime() - t0) / 1e6;
                    }
                }
            }
            String load = loadBefore + " → " + PrecisionBench.loadAverage();
            double engineMedian = median(ms[0]);
            for (int v = 0; v < variants.size(); v++) {
                double med = median(ms[v]);
                System.out.printf(Locale.ROOT, "| %d | %s | %.0f | %.0f | %.2fx | %.1e | %.4f | %s |%n", size,
                        variants.get(v).name(), med, Arrays.stream(ms[v]).min().orElse(0), engineMedian / med,
                        Math.abs(last[v].loss() - last[0].loss()) / Math.abs(last[0].loss()),
                        ScriptedVgg19Test.cosine(last[v].gradient(), last[0].gradient()), load);
            }
        } finally {
            for (int i = open.size() - 1; i >= 0; i--) {
                try {
                    open.get(i).close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private static double median(double[] values) {
        return PrecisionBench.median(Arrays.stream(values).boxed().toList());
    }

    private static float[] noise(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextDouble();
        }
        return x;
    }
}
