package dev.ist.worker.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ist.common.job.InitMode;
import dev.ist.common.job.VggLayerNames;
import dev.ist.worker.engine.StyleTransferEngine;
import dev.ist.worker.engine.TransferSpec;
import dev.ist.worker.engine.Vgg19Weights;
import dev.ist.worker.engine.weights.RandomWeights;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Prints the engine's figures: per size, the median ms per iteration, peak RSS and achieved GFLOP/s
 * (convolutions forward + input-gradient, Gram products forward + backward, counted from the layer
 * shapes) against a same-run fp32 4096² matrix product; RSS over a long run at the largest size;
 * and the wall time multi-scale vs single-scale needs to reach the same total loss.
 * It uses a seeded random VGG19 (same shapes, same FLOPs as the real one).
 */
public final class EngineBench {
    /** What to run. */
    public record Options(List<Integer> sizes, int warmup, int measured, int flatSize, int flatIterations,
                          int multiscaleSize, int multiscaleIterations) {
        public static Options defaults() {
            return new Options(List.of(128, 256, 512), 2, 8, 512, 200, 512, 120);
        }
    }

    private final PrintStream out;

    public EngineBench(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        new EngineBench(System.out).run(Options.defaults());
    }

    public void run(Options o) {
        Vgg19Weights weights = RandomWeights.vgg19(1);
        out.printf(Locale.ROOT, "IST engine benchmark: DJL %s, %s, intra-op threads %s, %d cores, OMP_WAIT_POLICY=%s%n",
                Engine.getDjlVersion(), Engine.getEngine("PyTorch").getEngineName() + " "
                        + Engine.getEngine("PyTorch").getVersion(),
                System.getProperty("ai.djl.pytorch.num_threads", "DJL default"),
                Runtime.getRuntime().availableProcessors(), System.getenv().getOrDefault("OMP_WAIT_POLICY", "unset"));
        out.println("(the matmul rate is measured right before each row, so a busy machine slows both alike)");
        out.printf(Locale.ROOT, "allocator: LD_PRELOAD=%s GLIBC_TUNABLES=%s%n",
                System.getenv().getOrDefault("LD_PRELOAD", ""), System.getenv().getOrDefault("GLIBC_TUNABLES", ""));
        out.println("| size | ms/iter (median) | GFLOP/iter | GFLOP/s | fp32 matmul GFLOP/s | % of matmul | page faults/iter | peak RSS MiB |");
        out.println("|---:|---:|---:|---:|---:|---:|---:|---:|");
        try (StyleTransferEngine engine = new StyleTransferEngine(weights, "auto")) {
            for (int size : o.sizes()) {
                double matmul = matmulGflops();
                List<Long> stamps = new ArrayList<>();
                List<Long> faults = new ArrayList<>();
                TransferSpec spec = spec(size, o.warmup() + o.measured(), false);
                engine.stylize(spec, r -> {
                    stamps.add(System.nanoTime());
                    faults.add(minorFaults());
                }, () -> false);
                double[] diffs = new double[o.measured()];
                long[] faultDiffs = new long[o.measured()];
                for (int i = 0; i < o.measured(); i++) {
                    diffs[i] = (stamps.get(o.warmup() + i + 1) - stamps.get(o.warmup() + i)) / 1e6;
                    faultDiffs[i] = faults.get(o.warmup() + i + 1) - faults.get(o.warmup() + i);
                }
                Arrays.sort(diffs);
                Arrays.sort(faultDiffs);
                double ms = diffs[diffs.length / 2];
                double gflop = flopsPerIteration(weights, size, size) / 1e9;
                double rate = gflop / (ms / 1000);
                out.printf(Locale.ROOT, "| %d | %.0f | %.1f | %.1f | %.1f | %.0f%% | %d | %d |%n", size, ms, gflop, rate,
                        matmul, 100 * rate / matmul, faultDiffs[faultDiffs.length / 2], peakRssMiB());
            }
            if (o.flatIterations() > 0) {
                flatness(engine, o.flatSize(), o.flatIterations());
            }
            if (o.multiscaleIterations() > 0) {
                multiscale(engine, o.multiscaleSize(), o.multiscaleIterations());
            }
        }
    }

    private void flatness(StyleTransferEngine engine, int size, int iterations) {
        long[] rss = new long[iterations + 1];
        long[] heap = new long[iterations + 1];
        Runtime rt = Runtime.getRuntime();
        engine.stylize(spec(size, iterations, false), r -> {
            rss[r.iteration()] = rssMiB("VmRSS");
            heap[r.iteration()] = rt.totalMemory() >> 20;
        }, () -> false);
        long max = Arrays.stream(rss).max().orElse(0);
        int early = Math.min(10, iterations);
        out.printf(Locale.ROOT, "%nmemory over %d iterations at %d px: RSS at iteration %d = %d MiB, at %d = %d MiB,"
                        + " max %d MiB (growth %+d MiB); peak RSS %d MiB%n",
                iterations, size, early, rss[early], iterations, rss[iterations], max, rss[iterations] - rss[early],
                peakRssMiB());
        out.printf(Locale.ROOT, "JVM heap committed: %d MiB at iteration %d, %d MiB at %d (the rest is native)%n",
                heap[early], early, heap[iterations], iterations);
    }

    private void multiscale(StyleTransferEngine engine, int size, int iterations) {
        List<double[]> single = new ArrayList<>();
        long t0 = System.nanoTime();
        // from noise, where a pyramid matters: a content start is already at full resolution
        engine.stylize(specBuilder(size, iterations, false).init(InitMode.NOISE).seed(1).build(),
                r -> single.add(new double[] {r.totalLoss(), (System.nanoTime() - t0) / 1e6}), () -> false);
        double[] target = single.get(single.size() - 1);
        List<double[]> multi = new ArrayList<>();
        long t1 = System.nanoTime();
        // the pyramid gets twice the iteration budget (its coarse levels are cheap); we time when it gets there
        engine.stylize(specBuilder(size, 2 * iterations, true).init(InitMode.NOISE).seed(1).build(), r -> {
            if (r.scaleIndex() == r.scaleCount() - 1) {
                multi.add(new double[] {r.totalLoss(), (System.nanoTime() - t1) / 1e6});
            }
        }, () -> false);
        double reached = Double.NaN;
        for (double[] m : multi) {
            if (m[0] <= target[0]) {
                reached = m[1];
                break;
            }
        }
        double[] multiEnd = multi.get(multi.size() - 1);
        out.printf(Locale.ROOT, "%nsingle-scale %d px from noise, %d iterations: total loss %.4g after %.1f s%n", size,
                iterations, target[0], target[1] / 1000);
        out.printf(Locale.ROOT, "multi-scale (%d iterations over the pyramid): %s; its final loss %.4g after %.1f s%n",
                2 * iterations, Double.isNaN(reached) ? "did not reach that loss"
                        : String.format(Locale.ROOT, "reached that loss after %.1f s (%.2fx faster)", reached / 1000,
                        target[1] / reached), multiEnd[0], multiEnd[1] / 1000);
    }

    private static TransferSpec spec(int size, int iterations, boolean multiScale) {
        return specBuilder(size, iterations, multiScale).build();
    }

    private static TransferSpec.Builder specBuilder(int size, int iterations, boolean multiScale) {
        return TransferSpec.builder().content(pattern(size, size, 1)).style(pattern(size, size, 2)).size(size)
                .iterations(iterations).multiScale(multiScale).minScaleLongSide(Math.min(128, size))
                .toleranceChange(0).toleranceGrad(0);
    }

    /** A smooth gradient plus seeded noise blobs: a stand-in photo. */
    public static BufferedImage pattern(int w, int h, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        double fx = 2 + random.nextDouble() * 6;
        double fy = 2 + random.nextDouble() * 6;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double u = (double) x / w;
                double v = (double) y / h;
                int r = clamp(128 + 100 * Math.sin(fx * u * Math.PI * 2) + random.nextInt(40) - 20);
                int g = clamp(128 + 100 * Math.cos(fy * v * Math.PI * 2) + random.nextInt(40) - 20);
                int b = clamp(255 * u * v + random.nextInt(40) - 20);
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, v));
    }

    /** FLOPs of one loss+gradient evaluation with the default layers (up to relu5_1). */
    static double flopsPerIteration(Vgg19Weights weights, int width, int height) {
        double total = 0;
        int w = width;
        int h = height;
        int deepest = VggLayerNames.featureIndex("relu5_1");
        List<String> style = List.of("relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1");
        int channels = 3;
        for (int i = 0; i <= deepest; i++) {
            String name = VggLayerNames.all().get(i);
            if (VggLayerNames.isConv(i)) {
                long[] s = weights.weight(i).shape();
                double forward = 2.0 * s[1] * 9 * s[0] * w * h;
                total += 2 * forward; // forward + gradient w.r.t. the input
                channels = (int) s[0];
            } else if (VggLayerNames.isPool(i)) {
                w /= 2;
                h /= 2;
            }
            if (style.contains(name)) {
                total += 3 * 2.0 * channels * channels * w * h; // F·Fᵀ forward, two products backward
            }
        }
        return total;
    }

    private double matmulGflops() {
        try (NDManager m = NDManager.newBaseManager()) {
            int n = 4096;
            NDArray a = m.randomUniform(-1, 1, new Shape(n, n));
            NDArray b = m.randomUniform(-1, 1, new Shape(n, n));
            double[] times = new double[5];
            for (int i = 0; i < times.length + 1; i++) {
                try (NDManager sub = m.newSubManager()) {
                    a.tempAttach(sub);
                    long t = System.nanoTime();
                    NDArray c = a.matMul(b);
                    c.getFloat(0, 0);
                    if (i > 0) {
                        times[i - 1] = (System.nanoTime() - t) / 1e9;
                    }
                }
            }
            Arrays.sort(times);
            return 2.0 * n * n * n / times[times.length / 2] / 1e9;
        }
    }

    /** Minor page faults of this process so far (field 10 of /proc/self/stat). */
    static long minorFaults() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[7]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static long peakRssMiB() {
        return rssMiB("VmHWM");
    }

    static long rssMiB(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
