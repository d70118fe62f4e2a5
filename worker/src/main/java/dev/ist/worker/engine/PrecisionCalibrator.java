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
import java.util.Locale;

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
    /** The calibration starts no iteration that would end past this (once each run has timed one). */
    public static final Duration BUDGET = Duration.ofSeconds(10);
    /**
     * The probe's long side: cheap even where bf16 is emulated (about 1 s an iteration on an AVX2-only EPYC, where
     * {@link #SIZE} takes 21 s), large enough that the convolutions rather than per-iteration overheads set the ratio.
     */
    static final int PROBE_SIZE = 40;
    static final int PROBE_WARMUP_ITERATIONS = 1;
    static final int PROBE_TIMED_ITERATIONS = 1;
    /**
     * bf16 this many times slower than fp32 in the probe is not worth timing at {@link #SIZE}: where a CPU has bf16
     * kernels it measured 0.46-2.5x fp32's speed (at worst about 2.2x slower), where oneDNN emulates them far slower
     * (12-14x at 40 px, 33x at 192 on an AVX2-only EPYC), and no larger size turns that into the win AUTO's margin
     * asks for.
     */
    static final double PROBE_SLOWDOWN = 3.0;

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

    /**
     * Median ms per iteration in fp32 and bf16 at {@code size}, alternating precisions, within {@code budget} (no
     * iteration starts that would end past it, once each run has timed one). A probe at {@link #PROBE_SIZE} comes
     * first: where bf16 runs {@link #PROBE_SLOWDOWN} times slower there, only fp32 is timed at {@code size} and bf16's
     * figure is extrapolated.
     */
    public static PrecisionTimings measure(StyleTransferEngine engine, int size, Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        List<Double> fp32 = new ArrayList<>();
        List<Double> bf16 = new ArrayList<>();
        if (size > PROBE_SIZE) {
            BufferedImage content = pattern(PROBE_SIZE, 3, 5);
            BufferedImage style = pattern(PROBE_SIZE, 11, 2);
            run(engine, content, style, PROBE_SIZE, Precision.FP32, PROBE_WARMUP_ITERATIONS, PROBE_TIMED_ITERATIONS,
                    Long.MAX_VALUE, false, fp32);
            run(engine, content, style, PROBE_SIZE, Precision.BF16, PROBE_WARMUP_ITERATIONS, PROBE_TIMED_ITERATIONS,
                    Long.MAX_VALUE, false, bf16);
            double fp32Probe = median(fp32);
            double bf16Probe = median(bf16);
            if (notWorthTimingAtSize(fp32Probe, bf16Probe)) {
                double slowdown = bf16Probe / fp32Probe;
                LOG.info("bf16 ran {}x slower than fp32 at {} px: timing fp32 alone at {} px",
                        String.format(Locale.ROOT, "%.1f", slowdown), PROBE_SIZE, size);
                List<Double> full = new ArrayList<>();
                // fp32's figure seeds the worker's advertised speed: timed as in a full calibration, to the deadline
                run(engine, pattern(size, 3, 5), pattern(size, 11, 2), size, Precision.FP32, WARMUP_ITERATIONS,
                        TIMED_ITERATIONS, deadline, false, full);
                double fp32Ms = median(full);
                return new PrecisionTimings(fp32Ms, fp32Ms * slowdown, size, fp32.size() + bf16.size() + full.size(),
                        null, PROBE_SIZE);
            }
            fp32.clear();
            bf16.clear();
        }
        BufferedImage content = pattern(size, 3, 5);
        BufferedImage style = pattern(size, 11, 2);
        String fallback = null;
        long lastRound = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long roundStart = System.nanoTime();
            if (round > 0 && roundStart + lastRound > deadline) {
                break; // another round would overrun the budget: one round of each is a measurement too
            }
            run(engine, content, style, size, Precision.FP32, WARMUP_ITERATIONS, TIMED_ITERATIONS, deadline, false,
                    fp32);
            // to the end: the result says whether bf16 had to fall back to fp32
            TransferResult r = run(engine, content, style, size, Precision.BF16, WARMUP_ITERATIONS,
                    TIMED_ITERATIONS, deadline, true, bf16);
            if (r != null && r.precisionFallback() != null) {
                fallback = r.precisionFallback();
            }
            lastRound = System.nanoTime() - roundStart;
        }
        return new PrecisionTimings(median(fp32), median(bf16), size, fp32.size() + bf16.size(), fallback);
    }

    /** Whether a probe's figures settle the question without timing bf16 at full size. */
    static boolean notWorthTimingAtSize(double fp32Ms, double bf16Ms) {
        return bf16Ms >= PROBE_SLOWDOWN * fp32Ms;
    }

    /**
     * One Adam transfer of {@code warmup + timed + 1} iterations, adding the timed ones' wall times to {@code into}.
     * Unless {@code toTheEnd}, it stops once timed (the last iteration would only make the final image); and it stops
     * where another iteration as long as the last would end past {@code deadline}, once one is timed. A run stopped
     * early returns null.
     */
    private static TransferResult run(StyleTransferEngine engine, BufferedImage content, BufferedImage style, int size,
                                      Precision precision, int warmup, int timed, long deadline, boolean toTheEnd,
                                      List<Double> into) {
        TransferSpec spec = TransferSpec.builder().content(content).style(style).size(size)
                .iterations(warmup + timed + 1).optimizer(Optimizer.ADAM).seed(1)
                .precision(precision).build();
        long[] last = {-1};
        long[] lastInterval = {0};
        int[] seen = {0};
        int before = into.size();
        try {
            return engine.stylize(spec, report -> {
                long now = System.nanoTime();
                // report 0 is the starting image; the first iterations build oneDNN primitives (and load
                // TorchScript); the last report also makes the final image
                if (last[0] >= 0) {
                    lastInterval[0] = now - last[0];
                    if (seen[0] > warmup && !report.last()) {
                        into.add(lastInterval[0] / 1e6);
                    }
                }
                seen[0]++;
                last[0] = now;
            }, () -> into.size() > before
                    && (!toTheEnd && into.size() - before >= timed || System.nanoTime() + lastInterval[0] > deadline));
        } catch (TransferCancelledException e) {
            return null;
        }
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
