package dev.ist.worker.bench;

import ai.djl.engine.Engine;
import dev.ist.common.job.Precision;
import dev.ist.worker.engine.IterationReport;
import dev.ist.worker.engine.ImageOps;
import dev.ist.worker.engine.StyleTransferEngine;
import dev.ist.worker.engine.TransferResult;
import dev.ist.worker.engine.TransferSpec;
import dev.ist.worker.engine.TransferCancelledException;
import dev.ist.worker.engine.IterationListener;
import dev.ist.worker.engine.PrecisionCalibrator;
import dev.ist.worker.engine.precision.CpuFeatures;
import dev.ist.worker.engine.precision.PrecisionCalibration;
import dev.ist.worker.engine.precision.PrecisionTimings;
import dev.ist.worker.engine.precision.PrecisionSelector;
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

/**
 * {@code ist bench --precision}: the engine's own transfers (L-BFGS, a seeded random VGG19 of VGG19's shapes, content
 * and style patterns) run in fp32 and in bf16 on the same inputs, per size: median ms per iteration, the final total
 * loss of each and their difference, both results scored by the fp32 loss (so the bf16 run's own rounding is not
 * what is compared), and the PSNR between the two images as saved (8 bits). Prints the CPU's bf16 features, the AUTO
 * calibration's timings and choice (measured afresh), and AUTO's own ms per iteration (20 iterations). Figures only.
 */
public final class PrecisionBench {
    /** What to run: output long sides and L-BFGS iterations per run. */
    public record Options(List<Integer> sizes, int iterations) {
        public static Options defaults() {
            return new Options(List.of(256, 512), 100);
        }
    }

    /**
     * The wall time the bf16 run of one size may take. Where bf16 is emulated (no bf16 kernels: 33x fp32's time on an
     * AVX2-only EPYC) 100 iterations at 512 px would take hours; there it runs as many iterations as fit, and the loss,
     * score and PSNR compare it with an fp32 run of the same count.
     */
    static final double BF16_SECONDS_PER_SIZE = 180;
    /** Fewer bf16 iterations than this tell nothing (the first builds kernels): the size is then left out. */
    static final int MIN_BF16_ITERATIONS = 3;

    private final PrintStream out;

    public PrecisionBench(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        new PrecisionBench(System.out).run(Options.defaults());
    }

    public void run(Options o) {
        CpuFeatures cpu = CpuFeatures.detect();
        PrecisionSelector.Choice auto = PrecisionSelector.select(Precision.AUTO, cpu, null);
        Engine engine = Engine.getEngine("PyTorch");
        out.printf(Locale.ROOT, "precision bench: %s %s, DJL %s, intra-op threads %s, %d cores, OMP_WAIT_POLICY=%s%n",
                engine.getEngineName(), engine.getVersion(), Engine.getDjlVersion(),
                System.getProperty("ai.djl.pytorch.num_threads", "DJL default"),
                Runtime.getRuntime().availableProcessors(), System.getenv().getOrDefault("OMP_WAIT_POLICY", "unset"));
        out.printf(Locale.ROOT, "CPU features: amx_bf16=%s avx512_bf16=%s (the flag rule, used only without a"
                + " calibration, would pick %s)%n", yes(cpu.amxBf16()), yes(cpu.avx512Bf16()), auto.precision());
        out.printf(Locale.ROOT, "%d L-BFGS iterations per run, random VGG19 (seed 1), load average %s%n",
                o.iterations(), loadAverage());
        try (StyleTransferEngine ist = new StyleTransferEngine(RandomWeights.vgg19(1), "cpu",
                dev.ist.worker.engine.EngineSettings.defaults(), Precision.AUTO)) {
            // what a worker on AUTO does before its first job, measured afresh (no cache)
            long t0 = System.nanoTime();
            PrecisionTimings timings = PrecisionCalibrator.measure(ist, PrecisionCalibrator.SIZE,
                    PrecisionCalibrator.BUDGET);
            PrecisionCalibration calibration = new PrecisionCalibration(PrecisionCalibrator.keyFor(ist), timings,
                    PrecisionCalibration.DEFAULT_MARGIN, false);
            ist.useCalibration(calibration);
            out.printf(Locale.ROOT, "calibration on %s, %d ms: %s%n", calibration.key(),
                    (System.nanoTime() - t0) / 1_000_000, calibration.describe());
            out.println("| size | fp32 ms/it | bf16 ms/it | auto ms/it (runs " + calibration.choice()
                    + ") | bf16 speed-up | fp32 final loss | bf16 final loss | loss diff "
                    + "| fp32-scored: bf16 vs fp32 result | PSNR fp32 vs bf16 | bf16 fallback |");
            out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
            List<String> notes = new ArrayList<>();
            for (int size : o.sizes()) {
                row(ist, size, o.iterations(), bf16Iterations(timings, size, o.iterations()), notes);
            }
            notes.forEach(out::println);
        }
        out.println("load average after: " + loadAverage());
    }

    /**
     * How many bf16 iterations fit {@link #BF16_SECONDS_PER_SIZE} at {@code size}, going by the calibration's bf16
     * time (pixels scale it); {@code iterations} where all fit, 0 where not even {@link #MIN_BF16_ITERATIONS} do.
     */
    static int bf16Iterations(PrecisionTimings calibration, int size, int iterations) {
        double scale = (double) size * size / ((double) calibration.size() * calibration.size());
        double seconds = calibration.bf16MsPerIteration() * scale / 1000;
        int fit = (int) Math.min(iterations, Math.floor(BF16_SECONDS_PER_SIZE / seconds));
        return fit >= MIN_BF16_ITERATIONS ? fit : 0;
    }

    private void row(StyleTransferEngine ist, int size, int iterations, int bf16Iterations, List<String> notes) {
        // the style is not another pattern of the content's kind: two such patterns let the loss fall to ~1e-4 of
        // its start, where bf16's rounding floor (not the optimiser) decides the figure (+88 % at 256 px); a photo and
        // a painting never get that close
        BufferedImage content = EngineBench.pattern(size, size, 1);
        BufferedImage style = HighresBench.image(size, size, 2);
        TransferSpec.Builder b = TransferSpec.builder().content(content).style(style).size(size).iterations(iterations);
        List<Double> fp32Ms = new ArrayList<>();
        TransferSpec fp32Spec = b.precision(Precision.FP32).build();
        TransferResult fp32 = ist.stylize(fp32Spec, timer(fp32Ms), null);
        List<Double> autoMs = new ArrayList<>();
        ist.stylize(b.precision(null).iterations(Math.min(iterations, 20)).build(), timer(autoMs), null);
        double fp32Median = median(fp32Ms);
        if (bf16Iterations == 0) {
            out.printf(Locale.ROOT, "| %d | %.0f | not run | %.0f | | %.5g | | | | | |%n", size, fp32Median,
                    median(autoMs), fp32.totalLoss());
            notes.add(String.format(Locale.ROOT, "bf16 at %d px not run: %d iterations would take more than %.0f s"
                    + " (the calibration's bf16 time scaled by pixels)", size, MIN_BF16_ITERATIONS,
                    BF16_SECONDS_PER_SIZE));
            out.flush();
            return;
        }
        List<Double> bf16Ms = new ArrayList<>();
        double[] bf16Loss = {Double.NaN};
        IterationListener bf16Timer = timer(bf16Ms);
        long deadline = System.nanoTime() + (long) (BF16_SECONDS_PER_SIZE * 1e9);
        int ran;
        float[] bf16Image;
        String fallback;
        try {
            // the estimate behind bf16Iterations can be short (an emulated bf16 slows more the larger the image), so
            // the budget also stops the run
            TransferResult bf16 = ist.stylize(b.precision(Precision.BF16).iterations(bf16Iterations).build(), r -> {
                bf16Timer.onIteration(r);
                bf16Loss[0] = r.totalLoss();
            }, () -> System.nanoTime() > deadline);
            ran = bf16Iterations;
            bf16Image = ImageOps.toChw(bf16.image());
            fallback = bf16.precisionFallback() == null ? "none" : bf16.precisionFallback();
        } catch (TransferCancelledException e) {
            if (e.lastState() == null || e.iteration() < 1) {
                throw e;
            }
            ran = e.iteration();
            bf16Image = asSaved(e.lastState().image());
            fallback = "unknown (stopped by the budget)";
        }
        TransferResult reference = fp32;
        if (ran < iterations) {
            // the comparison needs an fp32 result after as many iterations as bf16 ran
            reference = ist.stylize(b.precision(Precision.FP32).iterations(ran).build(), r -> { }, null);
            notes.add(String.format(Locale.ROOT, "bf16 at %d px ran %d iterations (what fits %.0f s); its loss, score"
                    + " and PSNR are against fp32 after %d", size, ran, BF16_SECONDS_PER_SIZE, ran));
        }
        float[] referenceImage = ImageOps.toChw(reference.image());
        double fp32Scored = score(ist, fp32Spec, referenceImage, size);
        double bf16Scored = score(ist, fp32Spec, bf16Image, size);
        double bf16Median = median(bf16Ms);
        out.printf(Locale.ROOT, "| %d | %.0f | %.0f | %.0f | %.2fx | %.5g | %.5g | %+.2f %% | %+.2f %% | %.1f dB | %s |%n",
                size, fp32Median, bf16Median, median(autoMs), fp32Median / bf16Median, reference.totalLoss(),
                bf16Loss[0], 100 * (bf16Loss[0] - reference.totalLoss()) / reference.totalLoss(),
                100 * (bf16Scored - fp32Scored) / fp32Scored, psnr(referenceImage, bf16Image), fallback);
        out.flush();
    }

    /** Collects the wall time between consecutive iteration reports. */
    private static IterationListener timer(List<Double> ms) {
        long[] last = {-1};
        return (IterationReport r) -> {
            if (last[0] >= 0) {
                ms.add((double) (r.elapsedMs() - last[0]));
            }
            last[0] = r.elapsedMs();
        };
    }

    /** The fp32 total loss of an output image (a square {@code size}², CHW in [0,1], as saved). */
    private static double score(StyleTransferEngine ist, TransferSpec fp32Spec, float[] chw, int size) {
        return ist.evaluate(fp32Spec, chw, size, size, null).loss();
    }

    /** The image as it would be saved: clamped to [0,1], 8 bits. */
    private static float[] asSaved(float[] chw) {
        float[] saved = new float[chw.length];
        for (int i = 0; i < chw.length; i++) {
            saved[i] = Math.round(clamp(chw[i]) * 255) / 255f;
        }
        return saved;
    }

    /** Median of the values; NaN when there are none. */
    public static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** The 1-minute load average, or "?" off Linux. */
    public static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /** PSNR of two [0,1] images, clamped as they would be saved. */
    public static double psnr(float[] a, float[] b) {
        double se = 0;
        for (int i = 0; i < a.length; i++) {
            double d = clamp(a[i]) - clamp(b[i]);
            se += d * d;
        }
        double mse = se / a.length;
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(1 / mse);
    }

    private static double clamp(float v) {
        return Math.max(0, Math.min(1, v));
    }

    private static String yes(boolean b) {
        return b ? "yes" : "no";
    }
}
