package dev.ist.worker.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Blended Gram targets G_l(s) = Σ_k w_k·F_l(s_k)·F_l(s_k)ᵀ/(C·H·W) of the style images for one output
 * scale, one C×C row-major matrix per style layer. Plain Java arrays, so the worker may cache them
 * across jobs under {@link #cacheKey()}, which names everything the targets depend on (style pixels,
 * blend weights, output long side, style scale, layers, pooling, colour mode, network weights).
 */
public record StyleTargets(String cacheKey, int outputLongSide, Map<String, float[]> grams,
                           Map<String, Integer> channels) {
    public StyleTargets {
        grams = Collections.unmodifiableMap(new LinkedHashMap<>(grams));
        channels = Collections.unmodifiableMap(new LinkedHashMap<>(channels));
    }

    /** Approximate heap bytes, for a cache's weigher. */
    public long sizeBytes() {
        long total = 64;
        for (float[] g : grams.values()) {
            total += 16 + 4L * g.length;
        }
        return total;
    }
}
