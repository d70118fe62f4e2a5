package dev.ist.worker.bench;

import ai.djl.engine.Engine;
import dev.ist.common.job.Precision;
import dev.ist.worker.engine.IterationReport;
import dev.ist.worker.engine.ImageOps;
import dev.ist.worker.engine.StyleTransferEngine;
import dev.ist.worker.engine.TransferResult;
import dev.ist.worker.engine.TransferSpec;
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
            for (int size : o.sizes()) {
                row(ist, size, o.iterations());
            }
        }
        out.println("load average after: " + loadAverage());
    }

    private void row(StyleTransferEngine ist, int size, int iterations) {
        // the style is not another pattern of the content's kind: two such patterns let the loss fall to ~1e-4 of
        // its start, where bf16's rounding floor (not the optimiser) decides the figure (+88 % at 256 px); a photo and
        // a painting never get that close
        BufferedImage content = EngineBench.pattern(size, size, 1);
        BufferedImage style = HighresBench.image(size, size, 2);
        TransferSpec.Builder b = TransferSpec.builder().content(content).style(style).size(size).iterations(iterations);
        List<Double> fp32Ms = new ArrayList<>();
        List<Double> bf16Ms = new ArrayList<>();
        TransferSpec fp32Spec = b.precision(Precision.FP32).build();
        TransferResult fp32 = ist.stylize(fp32Spec, timer(fp32Ms), null);
        TransferResult bf16 = ist.stylize(b.precision(Precision.BF16).build(), timer(bf16Ms), null);
        List<Double> autoMs = new ArrayList<>();
        ist.stylize(b.precision(null).iterations(Math.min(iterations, 20)).build(), timer(autoMs), null);
        double fp32Scored = score(ist, fp32Spec, fp32.image());
        double bf16Scored = score(ist, fp32Spec, bf16.image());
        double fp32Median = median(fp32Ms);
        double bf16Median = median(bf16Ms);
        out.printf(Locale.ROOT, "| %d | %.0f | %.0f | %.0f | %.2fx | %.5g | %.5g | %+.2f %% | %+.2f %% | %.1f dB | %s |%n",
                size, fp32Median, bf16Median, median(autoMs), fp32Median / bf16Median, fp32.totalLoss(), bf16.totalLoss(),
                100 * (bf16.totalLoss() - fp32.totalLoss()) / fp32.totalLoss(),
                100 * (bf16Scored - fp32Scored) / fp32Scored,
                psnr(ImageOps.toChw(fp32.image()), ImageOps.toChw(bf16.image())),
                bf16.precisionFallback() == null ? "none" : bf16.precisionFallback());
        out.flush();
    }

    /** Collects the wall time between consecutive iteration reports. */
    private static dev.ist.worker.engine.IterationListener timer(List<Double> ms) {
        long[] last = {-1};
        return (IterationReport r) -> {
            if (last[0] >= 0) {
                ms.add((double) (r.elapsedMs() - last[0]));
            }
            last[0] = r.elapsedMs();
        };
    }

    /** The fp32 total loss of an output image (as saved, 8 bits). */
    private static double score(StyleTransferEngine ist, TransferSpec fp32Spec, BufferedImage image) {
        return ist.evaluate(fp32Spec, ImageOps.toChw(image), image.getWidth(), image.getHeight(), null).loss();
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
