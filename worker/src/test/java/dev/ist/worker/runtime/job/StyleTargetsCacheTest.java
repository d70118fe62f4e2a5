package dev.ist.worker.runtime.job;

import dev.ist.worker.engine.StyleTargets;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StyleTargetsCacheTest {

    private static StyleTargetsCache.Key key(String style, int size) {
        return new StyleTargetsCache.Key(List.of(style + ":1.0"), size, List.of("relu1_1"), 1.0, "MAX", false, false,
                "w");
    }

    private static List<StyleTargets> targets(int floats) {
        return List.of(new StyleTargets("k", 32, Map.of("relu1_1", new float[floats]), Map.of("relu1_1", 8)));
    }

    @Test
    void keyCoversSizeSoAnotherSizeMisses() {
        StyleTargetsCache cache = new StyleTargetsCache(8, 1 << 20);
        cache.put(key("a", 64), targets(16));
        assertTrue(cache.get(key("a", 64)).isPresent());
        assertTrue(cache.get(key("a", 128)).isEmpty());
        assertTrue(cache.get(key("b", 64)).isEmpty());
    }

    @Test
    void evictsTheLeastRecentlyUsedWhenFull() {
        StyleTargetsCache cache = new StyleTargetsCache(2, 1 << 20);
        cache.put(key("a", 64), targets(16));
        cache.put(key("b", 64), targets(16));
        cache.get(key("a", 64));
        cache.put(key("c", 64), targets(16));
        assertTrue(cache.get(key("a", 64)).isPresent());
        assertTrue(cache.get(key("b", 64)).isEmpty(), "b was least recently used");
        assertEquals(2, cache.size());
    }

    @Test
    void staysWithinItsByteBound() {
        long one = targets(1000).get(0).sizeBytes();
        StyleTargetsCache cache = new StyleTargetsCache(100, one * 2 + 10);
        cache.put(key("a", 64), targets(1000));
        cache.put(key("b", 64), targets(1000));
        cache.put(key("c", 64), targets(1000));
        assertEquals(2, cache.size());
        assertTrue(cache.bytes() <= one * 2 + 10);
        cache.put(key("huge", 64), targets(100_000));
        assertTrue(cache.get(key("huge", 64)).isEmpty(), "an entry over the whole bound is not cached");
    }
}
