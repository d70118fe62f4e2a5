package dev.ist.worker.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The style targets of one output scale, per style layer: Gram matrices G_l(s) = F_l(s)·F_l(s)ᵀ/(C·H·W) (C×C,
 * row-major) and feature means μ_l(s) (C), both weighted by the style image's mask when it has one. Without output masks
 * there is one region: the styles blended by weight (Σ_k w_k·G_l(s_k)). With output masks (guided Gram matrices) there
 * is one region per style, in the spec's order. Plain Java arrays, so the worker may cache them across jobs under
 * {@link #cacheKey()}, which names everything the targets depend on (style pixels and masks, blend weights, output long
 * side, style scale, layers, pooling, colour mode, network weights).
 */
public record StyleTargets(String cacheKey, int outputLongSide, List<Region> regions, Map<String, Integer> channels) {

    /** The targets of one region; {@code means} may be empty (targets made before means were kept). */
    public record Region(Map<String, float[]> grams, Map<String, float[]> means) {
        public Region {
            grams = Collections.unmodifiableMap(new LinkedHashMap<>(grams));
            means = Collections.unmodifiableMap(new LinkedHashMap<>(means));
        }
    }

    public StyleTargets {
        regions = List.copyOf(regions);
        channels = Collections.unmodifiableMap(new LinkedHashMap<>(channels));
        if (regions.isEmpty()) {
            throw new IllegalArgumentException("style targets need at least one region");
        }
    }

    /** One blended region of Gram matrices only. */
    public StyleTargets(String cacheKey, int outputLongSide, Map<String, float[]> grams, Map<String, Integer> channels) {
        this(cacheKey, outputLongSide, List.of(new Region(grams, Map.of())), channels);
    }

    /** The first region's Gram matrices: the blended targets when there are no output masks. */
    public Map<String, float[]> grams() {
        return regions.get(0).grams();
    }

    /** Approximate heap bytes, for a cache's weigher. */
    public long sizeBytes() {
        long total = 64;
        for (Region r : regions) {
            for (float[] g : r.grams().values()) {
                total += 16 + 4L * g.length;
            }
            for (float[] m : r.means().values()) {
                total += 16 + 4L * m.length;
            }
        }
        return total;
    }
}
