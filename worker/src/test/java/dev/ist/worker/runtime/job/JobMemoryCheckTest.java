package dev.ist.worker.runtime.job;

import dev.ist.common.capacity.MemoryModel;
import dev.ist.common.job.JobMode;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.Optimizer;
import dev.ist.worker.engine.IterationListener;
import dev.ist.worker.engine.TransferSpec;
import dev.ist.worker.runtime.fleet.MemoryPreflight;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worker's memory check answers optimisation jobs from the engine's tiled model, the fast path untiled. */
class JobMemoryCheckTest {
    private static final long GIB = 1L << 30;
    /** 4:3 content; the spec's size sets the output's long side. */
    private static final BufferedImage CONTENT = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);

    @Test
    void aPrintSizeThatTheUntiledModelRefusesFitsTiledWithinTheBudget() {
        MemoryPreflight fourGig = new MemoryPreflight(MemoryModel.measuredCpuFp32(), 4 * GIB);
        assertFalse(fourGig.check(MemoryModel.Mode.LBFGS, 4096, 3072, 20).fits(), "the untiled model refuses it");

        JobMemoryCheck.Verdict v = JobMemoryCheck.of(fourGig).check(options(4096, Optimizer.LBFGS), 4096, 3072,
                prepared(spec(4096, Optimizer.LBFGS)));

        assertTrue(v.fits(), v.message());
        assertNotNull(v.estimate());
        assertTrue(v.estimate().peakBytes() <= 4 * GIB, v.message());
        assertTrue(v.estimate().levels().get(0).tiles() > 1, "tiled: " + v.message());
        assertTrue(v.message().startsWith("fits tiled"), v.message());
    }

    @Test
    void aJobThatDoesNotFitEvenTiledIsRefusedWithTheLargestSizeThatFits() {
        MemoryPreflight oneGig = new MemoryPreflight(MemoryModel.measuredCpuFp32(), GIB);

        JobMemoryCheck.Verdict v = JobMemoryCheck.of(oneGig).check(options(4096, Optimizer.ADAM), 4096, 3072,
                prepared(spec(4096, Optimizer.ADAM)));

        assertFalse(v.fits());
        assertNull(v.estimate());
        int largest = v.suggestedSize();
        assertTrue(largest > 128 && largest < 4096, "largest " + largest);
        assertTrue(v.message().contains("largest size that fits is " + largest + " px"), v.message());
        JobMemoryCheck.Verdict atLargest = JobMemoryCheck.of(oneGig).check(options(largest, Optimizer.ADAM),
                largest, largest * 3 / 4, prepared(spec(largest, Optimizer.ADAM)));
        assertTrue(atLargest.fits(), "the size it names fits: " + atLargest.message());
        JobMemoryCheck.Verdict above = JobMemoryCheck.of(oneGig).check(options(largest + 16, Optimizer.ADAM),
                largest + 16, (largest + 16) * 3 / 4, prepared(spec(largest + 16, Optimizer.ADAM)));
        assertFalse(above.fits(), "and it is the largest: " + above.message());
    }

    @Test
    void theFastPathKeepsTheUntiledPreflight() {
        MemoryPreflight tiny = new MemoryPreflight(MemoryModel.measuredCpuFp32(), 512L << 20);
        JobOptions fast = JobOptions.builder().size(4096).mode(JobMode.FAST).build();

        JobMemoryCheck.Verdict v = JobMemoryCheck.of(tiny).check(fast, 4096, 3072, null);

        assertFalse(v.fits(), "700 MiB fixed does not fit 512 MiB");
        assertTrue(v.message().contains("largest size that fits"), v.message());
        assertNull(v.estimate());
    }

    private static JobOptions options(int size, Optimizer optimizer) {
        return JobOptions.builder().size(size).optimizer(optimizer).build();
    }

    private static TransferSpec spec(int size, Optimizer optimizer) {
        return TransferSpec.builder().content(CONTENT).style(CONTENT).size(size).optimizer(optimizer).iterations(10)
                .build();
    }

    private static Stylizer.Prepared prepared(TransferSpec spec) {
        return new Stylizer.Prepared() {
            @Override
            public Stylized run(IterationListener listener, BooleanSupplier stop) {
                throw new AssertionError("the check must not run the job");
            }

            @Override
            public JobMemoryCheck.Verdict memoryFit(MemoryPreflight budget, JobOptions options, int width,
                                                    int height) {
                return JobMemoryCheck.tiled(new dev.ist.worker.engine.TilePlanner(budget.budgetBytes()), spec, width,
                        height);
            }
        };
    }
}
