package dev.ist.worker.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The guidance masks of one pyramid level (Gatys et al. 2017, "Controlling Perceptual Factors"), at the size of every
 * layer's feature map. A mask is taken as grey (luminance, clamped to [0,1]), resized to the level, and then brought
 * to each layer by 2×2 area averages, one per VGG pooling before that layer, with the pooling's floor on odd sizes:
 * position (i, j) of a layer's mask is the mean of the pixels that position's pooling window covers.
 *
 * <p>Region mode (at least one style carries an output mask): one region per style, a style without a mask covering
 * everything. Without any output mask there are no regions and the objectives take their plain path.
 */
final class LevelMasks {

    /** One mask at one layer's feature-map size, row-major. */
    record LayerMask(float[] values, int width, int height, double sumSquares) {

        /** The mask as a (1, H·W) row, to broadcast over the channels of a flattened (C, H·W) map. */
        NDArray row(NDManager manager) {
            return manager.create(values, new Shape(1, (long) width * height));
        }

        /** Rows {@code y0..y1} and columns {@code x0..x1} (exclusive ends) as a (1, n) row. */
        NDArray row(NDManager manager, int y0, int y1, int x0, int x1) {
            int w = x1 - x0;
            float[] out = new float[w * (y1 - y0)];
            for (int y = y0; y < y1; y++) {
                System.arraycopy(values, y * width + x0, out, (y - y0) * w, w);
            }
            return manager.create(out, new Shape(1, out.length));
        }

        /** The same window as a (1, 1, h, w) map, to broadcast over a (1, C, h, w) activation. */
        NDArray map(NDManager manager, int y0, int y1, int x0, int x1) {
            return row(manager, y0, y1, x0, x1).reshape(1, 1, y1 - y0, x1 - x0);
        }
    }

    private final List<Map<String, LayerMask>> regions;
    private final List<Double> regionWeights;
    private final Map<String, LayerMask> contentWeights;

    private LevelMasks(List<Map<String, LayerMask>> regions, List<Double> regionWeights,
                       Map<String, LayerMask> contentWeights) {
        this.regions = regions;
        this.regionWeights = regionWeights;
        this.contentWeights = contentWeights;
    }

    /** No masks: both objectives run their unmasked code. */
    static LevelMasks none() {
        return new LevelMasks(List.of(), List.of(), null);
    }

    /** The masks of {@code spec} for a {@code w}×{@code h} level. */
    static LevelMasks of(TransferSpec spec, int w, int h) {
        List<Map<String, LayerMask>> regions = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        if (spec.regionMode()) {
            double sum = 0;
            for (StyleImage s : spec.styles()) {
                sum += s.weight();
            }
            int k = spec.styles().size();
            for (StyleImage s : spec.styles()) {
                float[] plane = s.mask() == null ? ones(w * h) : grey(s.mask(), w, h);
                regions.add(perLayer(plane, w, h, spec.styleLayers()));
                // equal weights give every region the weight a single style has (1)
                weights.add(k * s.weight() / sum);
            }
        }
        Map<String, LayerMask> content = null;
        if (spec.contentMask() != null) {
            float[] plane = grey(spec.contentMask(), w, h);
            float k = (float) spec.contentMaskWeight();
            content = perLayer(plane, w, h, spec.contentLayers());
            for (Map.Entry<String, LayerMask> e : content.entrySet()) {
                LayerMask m = e.getValue();
                float[] weight = new float[m.values().length];
                for (int i = 0; i < weight.length; i++) {
                    weight[i] = 1f + (k - 1f) * m.values()[i]; // w(p) = 1 + (k − 1)·m(p), times α in the loss
                }
                e.setValue(new LayerMask(weight, m.width(), m.height(), sumSquares(weight)));
            }
        }
        return new LevelMasks(regions, weights, content);
    }

    boolean regionMode() {
        return !regions.isEmpty();
    }

    int regionCount() {
        return regions.size();
    }

    LayerMask region(int r, String layer) {
        return regions.get(r).get(layer);
    }

    /** K·w_r/Σw: the factor on region r's style term. */
    double regionWeight(int r) {
        return regionWeights.get(r);
    }

    /** The content weight map w(p) at {@code layer}, or null for a uniform content weight. */
    LayerMask contentWeight(String layer) {
        return contentWeights == null ? null : contentWeights.get(layer);
    }

    /** The mask at each of {@code layers}' feature-map sizes. */
    static Map<String, LayerMask> perLayer(float[] plane, int w, int h, Collection<String> layers) {
        Map<Integer, LayerMask> byStride = new HashMap<>();
        Map<String, LayerMask> out = new LinkedHashMap<>();
        for (String layer : layers) {
            int stride = TiledGatysObjective.stride(layer);
            out.put(layer, byStride.computeIfAbsent(stride, s -> atStride(plane, w, h, s)));
        }
        return out;
    }

    private static LayerMask atStride(float[] plane, int w, int h, int stride) {
        float[] m = plane;
        int cw = w;
        int ch = h;
        for (int s = 1; s < stride; s *= 2) {
            int nw = cw / 2;
            int nh = ch / 2;
            float[] next = new float[nw * nh];
            for (int y = 0; y < nh; y++) {
                for (int x = 0; x < nw; x++) {
                    int i = 2 * y * cw + 2 * x;
                    next[y * nw + x] = (m[i] + m[i + 1] + m[i + cw] + m[i + cw + 1]) * 0.25f;
                }
            }
            m = next;
            cw = nw;
            ch = nh;
        }
        return new LayerMask(m, cw, ch, sumSquares(m));
    }

    private static double sumSquares(float[] v) {
        double s = 0;
        for (float f : v) {
            s += (double) f * f;
        }
        return s;
    }

    private static float[] ones(int n) {
        float[] out = new float[n];
        java.util.Arrays.fill(out, 1f);
        return out;
    }

    /**
     * A mask image as a grey plane of {@code w}×{@code h} in [0,1]: luminance of its RGB, alpha ignored (a grey PNG's
     * own samples, not a colour-managed conversion), area-averaged when shrinking, bilinear when enlarging.
     */
    static float[] grey(BufferedImage mask, int w, int h) {
        float[] plane = greyPlane(mask);
        int mw = mask.getWidth();
        int mh = mask.getHeight();
        if (mw == w && mh == h) {
            return plane;
        }
        float[] chw = new float[3 * plane.length];
        System.arraycopy(plane, 0, chw, 0, plane.length);
        float[] resized = ImageOps.downscaleChw(chw, mw, mh, w, h); // bilinear when not shrinking both ways
        float[] out = new float[w * h];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.min(1f, Math.max(0f, resized[i]));
        }
        return out;
    }

    /** The grey samples of a mask at its own size. */
    static float[] greyPlane(BufferedImage mask) {
        int w = mask.getWidth();
        int h = mask.getHeight();
        float[] out = new float[w * h];
        java.awt.image.Raster raster = mask.getRaster();
        int bands = raster.getNumBands();
        if (bands <= 2 && mask.getColorModel().getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY) {
            double max = (1 << mask.getColorModel().getComponentSize(0)) - 1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    out[y * w + x] = (float) (raster.getSample(x, y, 0) / max);
                }
            }
            return out;
        }
        int[] argb = mask.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            out[i] = (0.299f * ((p >> 16) & 0xff) + 0.587f * ((p >> 8) & 0xff) + 0.114f * (p & 0xff)) / 255f;
        }
        return out;
    }
}
