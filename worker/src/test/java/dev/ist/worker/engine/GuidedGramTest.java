package dev.ist.worker.engine;

import dev.ist.common.capacity.TilePlan;
import dev.ist.common.job.InitMode;
import dev.ist.worker.engine.optim.Evaluation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spatial control with guided Gram matrices and a content mask (Gatys et al. 2017) on the tiny VGG19-shaped net. */
class GuidedGramTest {
    private static StyleTransferEngine engine;
    private static final int W = 64;
    private static final int H = 48;
    private static final BufferedImage CONTENT = greyPhoto(W, H, 1);
    private static final BufferedImage RED = textured(48, 48, 0xd02010, 2);
    private static final BufferedImage BLUE = textured(48, 48, 0x1030d0, 3);

    @BeforeAll
    static void load() {
        engine = Fixtures.tinyEngine();
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    /** A colour with ±40 of per-pixel texture. */
    static BufferedImage textured(int w, int h, int rgb, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int d = r.nextInt(81) - 40;
                int red = clamp(((rgb >> 16) & 0xff) + d);
                int green = clamp(((rgb >> 8) & 0xff) + d);
                int blue = clamp((rgb & 0xff) + d);
                img.setRGB(x, y, (red << 16) | (green << 8) | blue);
            }
        }
        return img;
    }

    static BufferedImage greyPhoto(int w, int h, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = clamp(100 + (x + y) + r.nextInt(20));
                img.setRGB(x, y, (v << 16) | (v << 8) | v);
            }
        }
        return img;
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    /** A grey mask: 1 left of {@code from}, 0 right of {@code to}, a linear ramp in between (as a fraction of w). */
    static BufferedImage leftMask(int w, int h, double from, double to, boolean invert) {
        BufferedImage m = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int x = 0; x < w; x++) {
            double t = (x + 0.5) / w;
            double v = t <= from ? 1 : t >= to ? 0 : (to - t) / (to - from);
            if (invert) {
                v = 1 - v;
            }
            int g = (int) Math.round(v * 255);
            for (int y = 0; y < h; y++) {
                m.getRaster().setSample(x, y, 0, g);
            }
        }
        return m;
    }

    static BufferedImage white(int w, int h) {
        return leftMask(w, h, 1.0, 1.0, false);
    }

    private static TransferSpec.Builder masked(BufferedImage leftMask, BufferedImage rightMask) {
        return TransferSpec.builder().content(CONTENT).size(W).iterations(40).styleWeight(1e4).contentWeight(1)
                .init(InitMode.CONTENT)
                .styles(List.of(new StyleImage(RED, 1.0, leftMask, null), new StyleImage(BLUE, 1.0, rightMask, null)));
    }

    /** Mean R, G, B of columns [x0, x1) of an image. */
    static double[] meanRgb(BufferedImage img, int x0, int x1) {
        double[] sum = new double[3];
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = x0; x < x1; x++) {
                int p = img.getRGB(x, y);
                sum[0] += (p >> 16) & 0xff;
                sum[1] += (p >> 8) & 0xff;
                sum[2] += p & 0xff;
                n++;
            }
        }
        for (int c = 0; c < 3; c++) {
            sum[c] /= n;
        }
        return sum;
    }

    @Test
    void anAllWhiteMaskGivesTheSameLossAndGradientAsNoMask() {
        float[] x = ImageOps.toChw(StyleTransferEngineTest.photo(W, H, 5));
        TransferSpec plain = TransferSpec.builder().content(CONTENT).style(RED).size(W).styleWeight(1e4).build();
        TransferSpec white = plain.toBuilder()
                .styles(List.of(new StyleImage(RED, 1.0, white(W, H), white(48, 48))))
                .contentMask(leftMask(W, H, 0, 0, false)).build(); // black content mask: weight 1 everywhere
        Evaluation a = engine.evaluate(plain, x, W, H, null);
        Evaluation b = engine.evaluate(white, x, W, H, null);
        assertEquals(a.loss(), b.loss(), 1e-6 * Math.abs(a.loss()));
        double worst = 0;
        double scale = 0;
        for (int i = 0; i < a.gradient().length; i++) {
            worst = Math.max(worst, Math.abs(a.gradient()[i] - b.gradient()[i]));
            scale = Math.max(scale, Math.abs(a.gradient()[i]));
        }
        assertTrue(worst <= 1e-6 * scale, "gradient differs by " + worst + " of " + scale);
    }

    @Test
    void withLeftAndRightMasksEachHalfTakesItsStylesColour() {
        TransferResult result = engine.stylize(masked(leftMask(W, H, 0.5, 0.5, false),
                leftMask(W, H, 0.5, 0.5, true)).build(), null, null);
        double[] left = meanRgb(result.image(), 0, W / 2);
        double[] right = meanRgb(result.image(), W / 2, W);
        double[] red = meanRgb(RED, 0, RED.getWidth());
        double[] blue = meanRgb(BLUE, 0, BLUE.getWidth());
        System.out.printf("mask split: left %.1f %.1f %.1f, right %.1f %.1f %.1f; red style %.1f %.1f %.1f,"
                        + " blue style %.1f %.1f %.1f%n", left[0], left[1], left[2], right[0], right[1], right[2],
                red[0], red[1], red[2], blue[0], blue[1], blue[2]);
        assertTrue(left[0] > left[2] + 40, "left half is red: " + java.util.Arrays.toString(left));
        assertTrue(right[2] > right[0] + 40, "right half is blue: " + java.util.Arrays.toString(right));
    }

    @Test
    void masksAreResizedForEveryLevelOfAMultiScaleRun() {
        TransferResult result = engine.stylize(masked(leftMask(W, H, 0.5, 0.5, false),
                leftMask(W, H, 0.5, 0.5, true)).multiScale(true).minScaleLongSide(32).build(), null, null);
        assertEquals(2, result.styleTargets().size(), "two levels, each with its own targets");
        double left = redness(meanRgb(result.image(), 0, W / 2));
        double right = redness(meanRgb(result.image(), W / 2, W));
        assertTrue(left > right + 60, "left " + left + " red, right " + right + " blue");
    }

    @Test
    void greyMaskEdgesBlendTheTwoStyles() {
        TransferResult result = engine.stylize(masked(leftMask(W, H, 0.25, 0.75, false),
                leftMask(W, H, 0.25, 0.75, true)).build(), null, null);
        double left = redness(meanRgb(result.image(), 0, W / 8));
        double middle = redness(meanRgb(result.image(), W / 2 - 2, W / 2 + 2));
        double right = redness(meanRgb(result.image(), W - W / 8, W));
        System.out.printf("grey edge: red−blue left %.1f, middle %.1f, right %.1f%n", left, middle, right);
        assertTrue(left > middle + 20 && middle > right + 20, "the middle is between: " + left + " " + middle + " "
                + right);
    }

    private static double redness(double[] rgb) {
        return rgb[0] - rgb[2];
    }

    @Test
    void maskedTilesGiveTheUntiledLossAndGradient() {
        int w = 128;
        int h = 128;
        TransferSpec spec = TransferSpec.builder().content(greyPhoto(w, h, 4)).size(w).styleWeight(1e4)
                .styles(List.of(new StyleImage(RED, 1.0, leftMask(w, h, 0.3, 0.7, false), null),
                        new StyleImage(BLUE, 2.0, leftMask(w, h, 0.3, 0.7, true), null)))
                .contentMask(leftMask(w, h, 0.4, 0.6, false)).contentMaskWeight(4).build();
        float[] x = ImageOps.toChw(StyleTransferEngineTest.photo(w, h, 3));
        TilePlan plan = TilePlan.of(w, h, 64, 64, StyleTransferEngine.minimumShortSide(spec));
        assertEquals(4, plan.tiles().size());
        Evaluation untiled = engine.evaluate(spec, x, w, h, null);
        Evaluation tiled = engine.evaluate(spec, x, w, h, plan);
        GatysObjective.Terms a = (GatysObjective.Terms) tiled.detail();
        GatysObjective.Terms b = (GatysObjective.Terms) untiled.detail();
        assertEquals(b.content(), a.content(), 1e-4 * b.content(), "content loss");
        assertEquals(b.style(), a.style(), 1e-4 * b.style(), "style loss");
        double cosine = TiledObjectiveAccuracyTest.cosine(tiled.gradient(), untiled.gradient());
        assertTrue(cosine > 0.9999, "gradient cosine similarity " + cosine);
    }

    @Test
    void aContentMaskRaisesTheContentWeightWhereItIsWhite() {
        float[] x = ImageOps.toChw(StyleTransferEngineTest.photo(W, H, 5));
        TransferSpec plain = TransferSpec.builder().content(CONTENT).style(RED).size(W).build();
        TransferSpec white = plain.toBuilder().contentMask(white(W, H)).contentMaskWeight(3).build();
        double a = ((GatysObjective.Terms) engine.evaluate(plain, x, W, H, null).detail()).content();
        double b = ((GatysObjective.Terms) engine.evaluate(white, x, W, H, null).detail()).content();
        assertEquals(3 * a, b, 1e-5 * b); // w(p) = 1 + (k − 1)·1 = k everywhere
    }
}
