package dev.ist.worker.fast;

import dev.ist.common.model.OnnxStyleNetwork;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ModelCacheTest {

    private static final ModelCache.Loader TINY = () -> OnnxStyleNetwork.load("tiny", FastModelFixtures.tinyStyleOnnx());

    @Test
    void sameVersionIsLoadedOnceAndANewVersionReplacesIt() throws Exception {
        try (ModelCache cache = new ModelCache(2)) {
            OnnxStyleNetwork first = cache.get("a", "etag1", TINY);
            assertSame(first, cache.get("a", "etag1", TINY));
            OnnxStyleNetwork second = cache.get("a", "etag2", TINY);
            assertNotSame(first, second);
            assertEquals(2, cache.loads());
            assertEquals(1, cache.size());
            // the replaced network was closed
            assertThrows(IllegalStateException.class, () -> first.run(new float[3 * 16 * 16], 16, 16));
        }
    }

    @Test
    void leastRecentlyUsedIsEvictedBeyondTheBound() throws Exception {
        try (ModelCache cache = new ModelCache(2)) {
            OnnxStyleNetwork a = cache.get("a", "1", TINY);
            cache.get("b", "1", TINY);
            cache.get("a", "1", TINY); // a is now the most recent
            cache.get("c", "1", TINY);
            assertEquals(2, cache.size());
            assertSame(a, cache.get("a", "1", TINY));
            assertEquals(3, cache.loads());
            cache.get("b", "1", TINY);
            assertEquals(4, cache.loads());
        }
    }
}
