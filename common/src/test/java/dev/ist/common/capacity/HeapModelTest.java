package dev.ist.common.capacity;

import dev.ist.common.job.Optimizer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeapModelTest {

    private static final long MIB = 1L << 20;

    @Test
    void theModelCoversTheHeapMeasuredForBothOptimisers() {
        // the largest heap after a collection in `ist transfer` runs (-Xlog:gc), tiled
        assertTrue(HeapModel.heapBytes(Optimizer.LBFGS, 1280L * 720) >= 171 * MIB);
        assertTrue(HeapModel.heapBytes(Optimizer.LBFGS, 2560L * 1440) >= 344 * MIB);
        assertTrue(HeapModel.heapBytes(Optimizer.LBFGS, 7680L * 4320) >= 2135 * MIB);
        assertTrue(HeapModel.heapBytes(Optimizer.ADAM, 1280L * 720) >= 183 * MIB);
        assertTrue(HeapModel.heapBytes(Optimizer.ADAM, 2560L * 1440) >= 387 * MIB);
        // and stays under the -Xmx384m the 2560x1440 L-BFGS run completed with
        assertTrue(HeapModel.heapBytes(Optimizer.LBFGS, 2560L * 1440) <= 384 * MIB);
    }

    @Test
    void largestPixelsIsTheInverseOfHeapBytes() {
        long heap = 1536 * MIB;
        for (Optimizer o : Optimizer.values()) {
            long pixels = HeapModel.largestPixels(o, heap);
            assertTrue(HeapModel.heapBytes(o, pixels) <= heap);
            assertTrue(HeapModel.heapBytes(o, pixels + 1) > heap);
            assertEquals(0, HeapModel.largestPixels(o, 64 * MIB), "a heap smaller than the fixed part holds nothing");
        }
    }

    @Test
    void theOutputCapIsLoweredOnlyWhenTheHeapCannotHoldIt() {
        long eightK = 7680L * 4320;
        assertEquals(eightK, HeapModel.outputCap(eightK, 4096 * MIB), "the large pool's 4 GiB heap holds 8K");
        assertEquals(eightK, HeapModel.outputCap(eightK, Long.MAX_VALUE));
        long capped = HeapModel.outputCap(eightK, 1536 * MIB); // 25 % of the default pod's 6 GiB
        assertEquals(HeapModel.largestPixels(Optimizer.ADAM, 1536 * MIB), capped, "the hungrier optimiser decides");
        assertTrue(capped < eightK && capped > 17_000_000L, "about 17.5 MP: " + capped);
    }
}
