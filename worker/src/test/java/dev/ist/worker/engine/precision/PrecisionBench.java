package dev.ist.worker.engine.precision;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.ist.worker.engine.ImageOps;
import dev.ist.worker.engine.OptimizerKind;
import dev.ist.worker.engine.Pooling;
import dev.ist.worker.engine.StyleTransferEngine;
import dev.ist.worker.engine.TransferSpec;
import dev.ist.worker.engine.Vgg19Weights;
import dev.ist.worker.engine.weights.RandomWeights;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Prints ms per evaluation (forward + backward of the Gatys loss: conv4_2 content, relu1_1..relu5_1 style, TV) of a
 * seeded random VGG19 at each size: the engine's own fp32 path (DJL operations, timed per Adam iteration through
 * {@link StyleTransferEngine#stylize}, one evaluation each), and the TorchScript module of {@link ScriptedVgg19} in
 * fp32 and in bf16; then how far the bf16 loss and gradient are from fp32 at the same image. Medians of the measured
 * repetitions; the load average is printed per row because the machine may be shared.
 * Run (test classpath): {@code java -cp worker/target/test-classes:worker/target/classes:... 
 * dev.ist.worker.engine.precision.PrecisionBench [sizes=256,512] [warmup=2] [measured=5]}. Figures only.
 */
public final class PrecisionBench {
    private PrecisionBench() {
    }

    public static void main(String[] args) throws IOException {
        List<Integer> sizes = new ArrayList<>();
        for (String s : (args.length > 0 ? args[0] : "256,512").split(",")) {
            sizes.add(Integer.parseInt(s.trim()));
        }
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int measured = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Vgg19Weights weights = RandomWeights.vgg19(1);
        Engine engine = Engine.getEngine("PyTorch");
        System.out.printf(Locale.ROOT, "precision bench: %s %s, DJL %s, intra-op threads %s, %d cores, CPU %s, "
                        + "OMP_WAIT_POLICY=%s, warmup %d, measured %d%n", engine.getEngineName(), engine.getVersion(),
                Engine.getDjlVersion(), System.getProperty("ai.djl.pytorch.num_threads", "DJL default"),
                Runtime.getRuntime().availableProcessors(), CpuFeatures.detect(),
                System.getenv().getOrDefault("OMP_WAIT_POLICY", "unset"), warmup, measured);
        System.out.println("| size | engine fp32 ms | module fp32 ms | module bf16 ms | bf16 speed-up vs engine | "
                + "bf16 vs module fp32 | loss rel. diff | gradient cosine | load avg (1 min) |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        try (StyleTransferEngine ist = new StyleTransferEngine(weights, "cpu");
             NDManager manager = engine.newBaseManager();
             ScriptedVgg19 net = ScriptedVgg19.load(manager, weights)) {
            for (int size : sizes) {
                String loadBefore = loadAverage();
                BufferedImage content = pattern(size, 1);
                BufferedImage style = pattern(size, 2);
                double enginMs = engineMedian(ist, content, style, size, warmup, measured);
                float[] c = ImageOps.toChw(content);
                float[] s = ImageOps.toChw(style);
                float[] x = noise(3 * size * size, 3);
                double[] fp32 = new double[1];
                double[] bf16 = new double[1];
                ScriptedGatysLoss.Result a;
                ScriptedGatysLoss.Result b;
                try (ScriptedGatysLoss loss = loss(net, manager, Precision.FP32, c, s, size)) {
                    a = moduleMedian(loss, x, warmup, measured, fp32);
                }
                try (ScriptedGatysLoss loss = loss(net, manager, Precision.BF16, c, s, size)) {
                    b = moduleMedian(loss, x, warmup, measured, bf16);
                }
                System.out.printf(Locale.ROOT, "| %d | %.0f | %.0f | %.0f | %.2fx | %.2fx | %.2e | %.4f | %s → %s |%n",
                        size, enginMs, fp32[0], bf16[0], enginMs / bf16[0], fp32[0] / bf16[0],
                        Math.abs(b.total() - a.total()) / a.total(), ScriptedVgg19Test.cosine(a.gradient(),
                                b.gradient()), loadBefore, loadAverage());
            }
        }
    }

    private static ScriptedGatysLoss loss(ScriptedVgg19 net, NDManager manager, Precision precision, float[] content,
                                          float[] style, int size) {
        return new ScriptedGatysLoss(net, manager, dev.ist.worker.engine.Preprocessing.TORCHVISION, Pooling.MAX,
                precision, content, size, size, style, size, size, 1.0, 1e5, 0.0, List.of(1.0, 1.0, 1.0, 1.0, 1.0));
    }

    private static ScriptedGatysLoss.Result moduleMedian(ScriptedGatysLoss loss, float[] x, int warmup, int measured,
                                                         double[] medianMs) {
        ScriptedGatysLoss.Result r = null;
        double[] ms = new double[measured];
        for (int i = 0; i < warmup + measured; i++) {
            long t0 = System.nanoTime();
            r = loss.evaluate(x);
            if (i >= warmup) {
                ms[i - warmup] = (System.nanoTime() - t0) / 1e6;
            }
        }
        medianMs[0] = median(ms);
        return r;
    }

    /** The engine's fp32 path: Adam makes exactly one evaluation per iteration. */
    private static double engineMedian(StyleTransferEngine ist, BufferedImage content, BufferedImage style, int size,
                                       int warmup, int measured) {
        List<Long> stamps = new ArrayList<>();
        TransferSpec spec = TransferSpec.builder().content(content).style(style).size(size)
                .iterations(warmup + measured).optimizer(OptimizerKind.ADAM).multiScale(false).build();
        ist.stylize(spec, r -> stamps.add(System.nanoTime()), () -> false);
        double[] ms = new double[measured];
        for (int i = 0; i < measured; i++) {
            ms[i] = (stamps.get(warmup + i + 1) - stamps.get(warmup + i)) / 1e6;
        }
        return median(ms);
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static float[] noise(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextDouble();
        }
        return x;
    }

    /** A smooth colour pattern with noise: a stand-in photo. */
    private static BufferedImage pattern(int side, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        double f = 2 + random.nextDouble() * 6;
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                double u = (double) x / side;
                double v = (double) y / side;
                int r = clamp(128 + 100 * Math.sin(f * u * Math.PI * 2) + random.nextInt(40) - 20);
                int g = clamp(128 + 100 * Math.cos(f * v * Math.PI * 2) + random.nextInt(40) - 20);
                int b = clamp(255 * u * v + random.nextInt(40) - 20);
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, v));
    }
}
