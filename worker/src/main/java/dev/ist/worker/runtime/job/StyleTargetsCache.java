package dev.ist.worker.runtime.job;

import dev.ist.worker.engine.StyleTargets;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Least-recently-used cache of the Gram targets of style sets, bounded by entries and bytes, so a popular style is
 * not recomputed for every job. The key names everything the targets depend on; the style images are named by the
 * SHA-256 of their bytes (inputs are content-addressed, so that is their ImageRef).
 */
public final class StyleTargetsCache {

    /**
     * @param styles       "sha256:weight" of each style, in request order
     * @param outputSize   long side of the output
     * @param styleLayers  layers whose Grams are the targets
     * @param styleScale   style size relative to the output
     * @param pooling      max/avg pooling changes the features
     * @param colourMode   preserve-colours uses the luminance of the styles
     * @param multiScale   the pyramid adds coarser scales
     * @param weightsId    SHA-256 of the network weights
     */
    public record Key(List<String> styles, int outputSize, List<String> styleLayers, double styleScale,
                      String pooling, boolean colourMode, boolean multiScale, String weightsId) {
        public Key {
            styles = List.copyOf(styles);
            styleLayers = List.copyOf(styleLayers);
        }
    }

    private final int maxEntries;
    private final long maxBytes;
    private final LinkedHashMap<Key, List<StyleTargets>> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    public StyleTargetsCache(int maxEntries, long maxBytes) {
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
    }

    public synchronized Optional<List<StyleTargets>> get(Key key) {
        return Optional.ofNullable(entries.get(key));
    }

    public synchronized void put(Key key, List<StyleTargets> targets) {
        if (maxEntries == 0 || targets == null || targets.isEmpty()) {
            return;
        }
        long size = sizeOf(targets);
        if (size > maxBytes) {
            return;
        }
        List<StyleTargets> old = entries.put(key, List.copyOf(targets));
        if (old != null) {
            bytes -= sizeOf(old);
        }
        bytes += size;
        Iterator<Map.Entry<Key, List<StyleTargets>>> it = entries.entrySet().iterator();
        while ((entries.size() > maxEntries || bytes > maxBytes) && it.hasNext()) {
            Map.Entry<Key, List<StyleTargets>> eldest = it.next();
            bytes -= sizeOf(eldest.getValue());
            it.remove();
        }
    }

    public synchronized int size() {
        return entries.size();
    }

    public synchronized long bytes() {
        return bytes;
    }

    private static long sizeOf(List<StyleTargets> targets) {
        long total = 0;
        for (StyleTargets t : targets) {
            total += t.sizeBytes();
        }
        return total;
    }
}
