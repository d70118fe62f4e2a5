package dev.ist.worker.bench;

import dev.ist.worker.engine.EngineSettings;
import dev.ist.common.capacity.LevelPlan;
import dev.ist.worker.engine.StyleTransferEngine;
import dev.ist.worker.engine.TransferSpec;
import dev.ist.worker.engine.weights.RandomWeights;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ist bench --highres}: print sizes under a memory budget. Per size (16:9, in megapixels): the tile plan the
 * engine chooses, the quote (modelled peak and seconds per iteration) next to the measured peak RSS and seconds per
 * iteration, and the untiled run's figures where it fits the budget. The peak is the process's VmHWM, reset before each
 * size ({@code /proc/self/clear_refs}), and the largest RSS a 100 ms sampler saw. Random VGG19 weights (the real
 * network's shapes and FLOPs).
 */
public final class HighresBench {
    /** What to run. */
    public record Options(List<Double> megapixels, int iterations, int largeIterations, long budgetBytes,
                          boolean untiled) {
    }

    private final PrintStream out;

    public HighresBench(PrintStream out) {
        this.out = out;
    }

    public void run(Options o) {
        out.printf(Locale.ROOT, "IST high-resolution benchmark: budget %d MiB, %d cores, load average %s%n",
                o.budgetBytes() >> 20, Runtime.getRuntime().availableProcessors(), loadAverage());
        out.println("| output | plan | quote peak MiB | peak RSS MiB | peak/quote | quote s/iter | s/iter | time/quote"
                + " | CPU s/iter ÷ " + CPU_THREADS + " | cpu/quote | untiled s/iter |");
        out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        EngineSettings settings = EngineSettings.defaults().withMemoryBudget(o.budgetBytes());
        try (StyleTransferEngine engine = new StyleTransferEngine(RandomWeights.vgg19(1), "cpu", settings)) {
            for (double mp : o.megapixels()) {
                int w = (int) Math.round(Math.sqrt(mp * 1e6 * 16 / 9));
                int h = (int) Math.round(w * 9.0 / 16);
                int iterations = mp >= 8 ? o.largeIterations() : o.iterations();
                TransferSpec spec = spec(w, h, iterations, TransferSpec.TILE_AUTO);
                List<LevelPlan> plans = engine.plan(spec);
                LevelPlan plan = plans.get(plans.size() - 1);
                Measured tiled = measure(engine, spec, iterations);
                String untiled = "—";
                if (!plan.tiled()) {
                    untiled = "(is untiled)";
                } else if (o.untiled()) {
                    TransferSpec whole = spec(w, h, iterations, Math.max(w, h) + 16);
                    LevelPlan wholePlan = new dev.ist.worker.engine.TilePlanner(0).plan(whole, w, h);
                    if (wholePlan.peakBytes() <= o.budgetBytes()) {
                        Measured m = measure(engine, whole, iterations);
                        untiled = String.format(Locale.ROOT, "%.1f (CPU %.1f, peak %d MiB)", m.secondsPerIteration,
                                m.cpuSecondsPerIteration, m.peakMiB);
                    } else {
                        untiled = String.format(Locale.ROOT, "does not fit (needs ~%d MiB; model %.1f s)",
                                wholePlan.peakBytes() >> 20, wholePlan.secondsPerIteration());
                    }
                }
                out.printf(Locale.ROOT, "| %dx%d (%.2f MP) | %s, history %d | %d | %d | %.2f | %.1f | %.1f | %.2f | %.1f"
                                + " | %.2f | %s |%n",
                        w, h, w * (double) h / 1e6, plan.tiles().describe(), plan.lbfgsHistory(),
                        plan.peakBytes() >> 20, tiled.peakMiB, tiled.peakMiB / (double) (plan.peakBytes() >> 20),
                        plan.secondsPerIteration(), tiled.secondsPerIteration,
                        tiled.secondsPerIteration / plan.secondsPerIteration(), tiled.cpuSecondsPerIteration,
                        tiled.cpuSecondsPerIteration / plan.secondsPerIteration(), untiled);
                out.flush();
            }
        }
        out.printf(Locale.ROOT, "load average at the end: %s%n", loadAverage());
    }

    /**
     * The time model is for {@value #CPU_THREADS} uncontended threads; on a shared machine the wall time is an upper
     * bound, and the process CPU time per iteration divided by the threads is what the model predicts when nothing
     * else runs.
     */
    static final int CPU_THREADS = 2;

    private record Measured(long peakMiB, double secondsPerIteration, double cpuSecondsPerIteration) {
    }

    private Measured measure(StyleTransferEngine engine, TransferSpec spec, int iterations) {
        System.gc();
        resetPeak();
        AtomicLong maxRss = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                maxRss.accumulateAndGet(EngineBench.rssMiB("VmRSS"), Math::max);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "rss-sampler");
        sampler.setDaemon(true);
        sampler.start();
        List<Long> stamps = new ArrayList<>();
        List<Long> cpu = new ArrayList<>();
        engine.stylize(spec, r -> {
            stamps.add(System.nanoTime());
            cpu.add(processCpuNanos());
        }, () -> false);
        sampler.interrupt();
        long peak = Math.max(maxRss.get(), EngineBench.peakRssMiB());
        double perIteration = stamps.size() < 2 ? Double.NaN
                : (stamps.get(stamps.size() - 1) - stamps.get(0)) / 1e9 / (stamps.size() - 1);
        double cpuPerIteration = cpu.size() < 2 ? Double.NaN
                : (cpu.get(cpu.size() - 1) - cpu.get(0)) / 1e9 / (cpu.size() - 1) / CPU_THREADS;
        return new Measured(peak, perIteration, cpuPerIteration);
    }

    private static TransferSpec spec(int w, int h, int iterations, int tileSize) {
        return TransferSpec.builder().content(image(w, h, 1)).style(image(Math.max(64, w / 2), Math.max(64, h / 2), 2))
                .styleScale(1.0).multiScale(false).size(Math.max(w, h)).iterations(iterations).tileSize(tileSize).build();
    }

    /** A smooth gradient with noise: some structure for the network, cheap to make at 33 MP. */
    static BufferedImage image(int w, int h, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int red = (x * 255 / w + r.nextInt(40)) & 0xff;
                int green = (y * 255 / h + r.nextInt(40)) & 0xff;
                int blue = ((x / 7 + y / 5) * 3 + r.nextInt(60)) & 0xff;
                row[x] = (red << 16) | (green << 8) | blue;
            }
            img.setRGB(0, y, w, 1, row, 0, w);
        }
        return img;
    }

    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
    }

    /** Resets VmHWM to the current RSS (Linux 4.0+); silently keeps the old peak where not allowed. */
    private static void resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            // the sampler's maximum still bounds this size's peak from below
        }
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
