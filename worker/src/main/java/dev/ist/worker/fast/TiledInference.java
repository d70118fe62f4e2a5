package dev.ist.worker.fast;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs a fully convolutional network on an image larger than it may take in one pass, as overlapping tiles.
 * Each tile's output is weighted by a separable window that is 0 in the outer quarter of every shared overlap
 * (where the tile lacks the context its neighbour has), rises as a raised cosine through the middle half, and is 1
 * elsewhere; two neighbours' windows sum to 1 across an overlap, so there is no seam and, for a network whose
 * receptive radius is under a quarter of the overlap, the result equals the untiled output.
 */
public final class TiledInference {

    /** One pass of the network on a CHW tile. */
    @FunctionalInterface
    public interface Network {
        float[] run(float[] chw, int w, int h);
    }

    private final int tile;
    private final int overlap;
    private final int multipleOf;

    public TiledInference(int tile, int overlap, int multipleOf) {
        if (multipleOf < 1 || tile < multipleOf || overlap < 0 || overlap * 2 > tile) {
            throw new IllegalArgumentException("tile " + tile + ", overlap " + overlap + ", multiple of " + multipleOf);
        }
        this.tile = tile - tile % multipleOf;
        this.overlap = overlap;
        this.multipleOf = multipleOf;
    }

    public float[] run(Network net, float[] chw, int w, int h) {
        if (w <= tile && h <= tile) {
            return net.run(chw, w, h);
        }
        List<Integer> xs = origins(w);
        List<Integer> ys = origins(h);
        int plane = w * h;
        float[] acc = new float[3 * plane];
        float[] norm = new float[plane];
        for (int y0 : ys) {
            int th = Math.min(tile, h);
            for (int x0 : xs) {
                int tw = Math.min(tile, w);
                float[] out = net.run(crop(chw, w, h, x0, y0, tw, th), tw, th);
                float[] wx = window(tw, x0 > 0, x0 + tw < w);
                float[] wy = window(th, y0 > 0, y0 + th < h);
                for (int y = 0; y < th; y++) {
                    for (int x = 0; x < tw; x++) {
                        float wt = wx[x] * wy[y];
                        if (wt == 0f) {
                            continue;
                        }
                        int dst = (y0 + y) * w + x0 + x;
                        norm[dst] += wt;
                        for (int c = 0; c < 3; c++) {
                            acc[c * plane + dst] += wt * out[c * tw * th + y * tw + x];
                        }
                    }
                }
            }
        }
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < plane; i++) {
                acc[c * plane + i] /= norm[i];
            }
        }
        return acc;
    }

    /** Tile origins along one axis: steps of tile − overlap, the last flush with the end. */
    List<Integer> origins(int length) {
        List<Integer> list = new ArrayList<>();
        if (length <= tile) {
            list.add(0);
            return list;
        }
        int step = Math.max(multipleOf, tile - overlap);
        int s = 0;
        list.add(0);
        while (s + tile < length) {
            int next = Math.min(s + step, length - tile);
            next -= next % multipleOf;
            if (next <= s) {
                next = s + multipleOf;
            }
            s = next;
            list.add(s);
        }
        return list;
    }

    /** Per-position weight along one axis of a tile of {@code n}; ramps only on sides that have a neighbour. */
    float[] window(int n, boolean rampStart, boolean rampEnd) {
        float[] wts = new float[n];
        for (int d = 0; d < n; d++) {
            wts[d] = (rampStart ? ramp(d) : 1f) * (rampEnd ? ramp(n - 1 - d) : 1f);
        }
        return wts;
    }

    private float ramp(int d) {
        if (overlap == 0) {
            return 1f;
        }
        int margin = overlap / 4;
        int width = overlap - 2 * margin;
        if (d < margin) {
            return 0f;
        }
        if (d >= overlap - margin) {
            return 1f;
        }
        return (float) (0.5 - 0.5 * Math.cos(Math.PI * (d - margin + 0.5) / width));
    }

    private static float[] crop(float[] chw, int w, int h, int x0, int y0, int tw, int th) {
        float[] out = new float[3 * tw * th];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < th; y++) {
                System.arraycopy(chw, c * w * h + (y0 + y) * w + x0, out, c * tw * th + y * tw, tw);
            }
        }
        return out;
    }
}
