package dev.ist.worker.engine;

import ai.djl.engine.Engine;
import dev.ist.common.job.Optimizer;
import dev.ist.common.job.Precision;
import dev.ist.worker.engine.precision.CalibrationCache;
import dev.ist.worker.engine.precision.CalibrationKey;
import dev.ist.worker.engine.precision.PrecisionCalibration;
import dev.ist.worker.engine.precision.PrecisionTimings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decides what AUTO means on this machine by measuring it: the engine's own transfer (the real objective, VGG19's
 * layers, Adam so an iteration is one evaluation) at a fixed size, in fp32 and in bf16, alternating so a burst of other
 * load hurts both alike; the median of the iterations after the warm-up ones. A CPU flag is a poor guide (the same
 * AVX512-BF16 flag meant 0.5x on one machine and 1.8x on another), a measurement is not. Bounded by a time budget;
 * cached per {@link CalibrationKey}.
 */
public final class PrecisionCalibrator {

    private static final Logger LOG = LoggerFactory.getLogger(PrecisionCalibrator.class);

    /** The long side measured: large enough that the convolutions dominate, small enough to stay within budget. */
    public static final int SIZE = 192;
    static final int WARMUP_ITERATIONS = 2;
    static final int TIMED_ITERATIONS = 4;
    static final int ROUNDS = 2;
    /** Past this, the calibration stops after the current run (with at least one round of each precision). */
    public static final Duration BUDGET = Duration.ofSeconds(10);

    private PrecisionCalibrator() {
    }

    /** The cached answer for this machine, or a fresh measurement (then cached). */
    public static PrecisionCalibration calibrate(StyleTransferEngine engine, CalibrationCache cache, double margin) {
        CalibrationKey key = keyFor(engine);
        var cached = cache.load(key);
        if (cached.isPresent()) {
            return new PrecisionCalibration(key, cached.get(), margin, true);
        }
        long start = System.nanoTime();
        PrecisionTimings timings = measure(engine, SIZE, BUDGET);
        cache.store(key, timings);
        PrecisionCalibration c = new PrecisionCalibration(key, timings, margin, false);
        LOG.info("precision calibration took {} ms on {}", (System.nanoTime() - start) / 1_000_000, key);
        return c;
    }

    public static CalibrationKey keyFor(StyleTransferEngine engine) {
        String processor = engine.device().startsWith("gpu") ? gpuName(engine.device()) : CalibrationKey.cpuModel();
        int threads = Integer.getInteger("ai.djl.pytorch.num_threads", 0);
        return CalibrationKey.detect(engine.device(), processor, threads, Engine.getEngine("PyTorch").getVersion());
    }

    private static String gpuName(String device) {
        try {
            int index = device.contains(":") ? Integer.parseInt(device.substring(device.indexOf(':') + 1)) : 0;
            return "GPU compute capability " + ai.djl.util.cuda.CudaUtils.getComputeCapability(index);
        } catch (RuntimeException | LinkageError e) {
            return "GPU";
        }
    }

    /** Median ms per iteration in fp32 and bf16 at {@code size}, alternating precisions. */
    public static PrecisionTimings measure(StyleTransferEngine engine, int size, Duration budget) {
        BufferedImage content = pattern(size, 3, 5);
        BufferedImage style = pattern(size, 11, 2);
        List<Double> fp32 = new ArrayList<>();
        List<Double> bf16 = new ArrayList<>();
        String fallback = null;
        long deadline = System.nanoTime() + budget.toNanos();
        long lastRound = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long roundStart = System.nanoTime();
            if (round > 0 && roundStart + lastRound > deadline) {
                break; // another round would overrun the budget: one round of each is a measurement too
            }
            run(engine, content, style, size, Precision.FP32, fp32);
            TransferResult r = run(engine, content, style, size, Precision.BF16, bf16);
            if (r.precisionFallback() != null) {
                fallback = r.precisionFallback();
            }
            lastRound = System.nanoTime() - roundStart;
        }
        return new PrecisionTimings(median(fp32), median(bf16), size, fp32.size() + bf16.size(), fallback);
    }

    private static TransferResult run(StyleTransferEngine engine, BufferedImage content, BufferedImage style, int size,
                                      Precision precision, List<Double> into) {
        TransferSpec spec = TransferSpec.builder().content(content).style(style).size(size)
                .iterations(WARMUP_ITERATIONS + TIMED_ITERATIONS + 1).optimizer(Optimizer.ADAM).seed(1)
                .precision(precision).build();
        long[] last = {-1};
        int[] seen = {0};
        return engine.stylize(spec, report -> {
            long now = System.nanoTime();
            // report 0 is the starting image; the first iterations build oneDNN primitives (and load TorchScript);
            // the last report also makes the final image
            if (last[0] >= 0 && seen[0] > WARMUP_ITERATIONS && !report.last()) {
                into.add((now - last[0]) / 1e6);
            }
            seen[0]++;
            last[0] = now;
        }, null);
    }

    /** A smooth deterministic colour pattern; {@code f} and {@code g} set its frequencies. */
    static BufferedImage pattern(int size, int f, int g) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double u = x / (double) size;
                double v = y / (double) size;
                int r = (int) (127.5 * (1 + Math.sin(2 * Math.PI * f * u)));
                int gr = (int) (127.5 * (1 + Math.cos(2 * Math.PI * g * v)));
                int b = (int) (127.5 * (1 + Math.sin(2 * Math.PI * (f * u + g * v))));
                img.setRGB(x, y, (r << 16) | (gr << 8) | b);
            }
        }
        return img;
    }

    static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        if (v.length == 0) {
            throw new IllegalStateException("no iteration was timed");
        }
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
