package dev.ist.worker.engine;

import dev.ist.common.capacity.HeapModel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeapRequirementTest {

    private static final long MIB = 1L << 20;

    @Test
    void anOutputTheHeapCannotHoldIsRefusedWithASizeThatFits() {
        int[] out = {2560, 1440};
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> StyleTransferEngine.requireHeapFor(out, 256 * MIB, 2560, 1440, 2560));
        assertTrue(e.getMessage().contains("2560x1440") && e.getMessage().contains("-Xmx"), e.getMessage());
        int suggested = e.suggestedSize().orElseThrow();
        assertTrue(suggested < 2560 && suggested > 1000, "suggested " + suggested);
        long pixels = (long) suggested * Math.round(suggested * 1440.0 / 2560);
        assertTrue(HeapModel.heapBytes(pixels) <= 256 * MIB, "the suggested size fits the heap");
    }

    @Test
    void anOutputTheHeapHoldsPasses() {
        assertDoesNotThrow(() -> StyleTransferEngine.requireHeapFor(new int[] {2560, 1440}, 384 * MIB, 2560, 1440,
                2560));
    }
}
