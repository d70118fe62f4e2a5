package dev.ist.worker.bench;

import dev.ist.worker.engine.EngineSettings;
import dev.ist.worker.engine.ImageOps;
import dev.ist.worker.engine.StyleTransferEngine;
import dev.ist.common.capacity.TilePlan;
import dev.ist.worker.engine.TransferSpec;
import dev.ist.worker.engine.optim.Evaluation;
import dev.ist.worker.engine.weights.RandomWeights;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * {@code ist bench --tiling-accuracy}: the tiled objective against the untiled one at one point, per halo: relative
 * error of each loss term and the cosine similarity of the gradients (random VGG19, the default layers, 2x2 tiles).
 * The engine's default halo ({@link TransferSpec#DEFAULT_TILE_HALO}) was chosen from this table.
 */
public final class TilingAccuracyBench {
    private final PrintStream out;

    public TilingAccuracyBench(PrintStream out) {
        this.out = out;
    }

    public void run(int width, int height, int core, List<Integer> halos) {
        TransferSpec spec = TransferSpec.builder().content(HighresBench.image(width, height, 1))
                .style(HighresBench.image(300, 300, 2)).size(Math.max(width, height)).tvWeight(1e-3).build();
        float[] x = ImageOps.toChw(HighresBench.image(width, height, 3));
        try (StyleTransferEngine engine = new StyleTransferEngine(RandomWeights.vgg19(7), "cpu",
                EngineSettings.defaults())) {
            long t0 = System.nanoTime();
            Evaluation untiled = engine.evaluate(spec, x, width, height, null);
            out.printf(Locale.ROOT, "untiled %dx%d: %s (%.1f s)%n", width, height, untiled.detail(),
                    (System.nanoTime() - t0) / 1e9);
            out.println("| halo px | plan | total rel. err | content | style | tv | gradient cosine | s |");
            out.println("|---:|---|---:|---:|---:|---:|---:|---:|");
            for (int halo : halos) {
                TilePlan plan = TilePlan.of(width, height, core, halo, 16);
                t0 = System.nanoTime();
                Evaluation tiled = engine.evaluate(spec, x, width, height, plan);
                double[] a = terms(tiled);
                double[] b = terms(untiled);
                out.printf(Locale.ROOT, "| %d | %s | %.2e | %.2e | %.2e | %.2e | %.7f | %.1f |%n", halo, plan.describe(),
                        rel(a[3], b[3]), rel(a[0], b[0]), rel(a[1], b[1]), rel(a[2], b[2]),
                        cosine(tiled.gradient(), untiled.gradient()), (System.nanoTime() - t0) / 1e9);
                out.flush();
            }
        }
    }

    /** content, style, tv, total of an evaluation's detail ("Terms[content=…, style=…, tv=…, total=…]"). */
    private static double[] terms(Evaluation e) {
        String s = e.detail().toString();
        double[] out = new double[4];
        String[] names = {"content=", "style=", "tv=", "total="};
        for (int i = 0; i < 4; i++) {
            int from = s.indexOf(names[i]) + names[i].length();
            int to = from;
            while (to < s.length() && s.charAt(to) != ',' && s.charAt(to) != ']') {
                to++;
            }
            out[i] = Double.parseDouble(s.substring(from, to));
        }
        return out;
    }

    private static double rel(double a, double b) {
        return Math.abs(a - b) / Math.abs(b);
    }

    private static double cosine(float[] a, float[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
        }
        return ab / Math.sqrt(aa * bb);
    }
}
