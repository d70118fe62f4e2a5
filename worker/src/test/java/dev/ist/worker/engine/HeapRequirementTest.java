package dev.ist.worker.engine;

import dev.ist.common.capacity.HeapModel;
import dev.ist.common.job.Optimizer;
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
                () -> StyleTransferEngine.requireHeapFor(out, Optimizer.LBFGS, 256 * MIB, 2560, 1440, 2560));
        assertTrue(e.getMessage().contains("2560x1440") && e.getMessage().contains("-Xmx"), e.getMessage());
        int suggested = e.suggestedSize().orElseThrow();
        assertTrue(suggested < 2560 && suggested > 1000, "suggested " + suggested);
        long pixels = (long) suggested * Math.round(suggested * 1440.0 / 2560);
        assertTrue(HeapModel.heapBytes(Optimizer.LBFGS, pixels) <= 256 * MIB, "the suggested size fits the heap");
    }

    @Test
    void anOutputTheHeapHoldsPasses() {
        assertDoesNotThrow(() -> StyleTransferEngine.requireHeapFor(new int[] {2560, 1440}, Optimizer.LBFGS,
                384 * MIB, 2560, 1440, 2560));
    }

    @Test
    void adamNeedsMoreHeapThanLbfgsAtTheSameSize() {
        // 2560x1440 fits 400 MiB with L-BFGS (381 MiB) but not with Adam (423 MiB; 387 MiB measured after GC)
        assertDoesNotThrow(() -> StyleTransferEngine.requireHeapFor(new int[] {2560, 1440}, Optimizer.LBFGS,
                400 * MIB, 2560, 1440, 2560));
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> StyleTransferEngine.requireHeapFor(
                new int[] {2560, 1440}, Optimizer.ADAM, 400 * MIB, 2560, 1440, 2560));
        assertTrue(e.getMessage().contains("with adam"), e.getMessage());
    }
}
