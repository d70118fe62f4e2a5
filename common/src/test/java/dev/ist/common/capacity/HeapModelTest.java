package dev.ist.common.capacity;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeapModelTest {

    private static final long MIB = 1L << 20;

    @Test
    void theModelCoversTheHeapMeasuredAtTwoSizes() {
        // the largest heap after a collection in `ist transfer` runs (-Xlog:gc), tiled L-BFGS
        assertTrue(HeapModel.heapBytes(1280L * 720) >= 171 * MIB);
        assertTrue(HeapModel.heapBytes(2560L * 1440) >= 344 * MIB);
        // and stays under the -Xmx384m the 2560x1440 run completed with
        assertTrue(HeapModel.heapBytes(2560L * 1440) <= 384 * MIB);
    }

    @Test
    void largestPixelsIsTheInverseOfHeapBytes() {
        long heap = 1536 * MIB;
        long pixels = HeapModel.largestPixels(heap);
        assertTrue(HeapModel.heapBytes(pixels) <= heap);
        assertTrue(HeapModel.heapBytes(pixels + 1) > heap);
        assertEquals(0, HeapModel.largestPixels(64 * MIB), "a heap smaller than the fixed part holds nothing");
    }

    @Test
    void theOutputCapIsLoweredOnlyWhenTheHeapCannotHoldIt() {
        long eightK = 7680L * 4320;
        assertEquals(eightK, HeapModel.outputCap(eightK, 4096 * MIB), "the large pool's 4 GiB heap holds 8K");
        assertEquals(eightK, HeapModel.outputCap(eightK, Long.MAX_VALUE));
        long capped = HeapModel.outputCap(eightK, 1536 * MIB); // 25 % of the default pod's 6 GiB
        assertTrue(capped < eightK && capped > 20_000_000L, "about 20 MP: " + capped);
    }
}
