package dev.ist.common.capacity;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The routing rule over real fits of the capacity model ({@link ClassFit}): default first, then the smallest pool. */
class PoolRoutingTest {
    private static final long MIB = 1L << 20;
    private static final MemoryModel MODEL = MemoryModel.measuredCpuFp32();
    /** 1024×768 with L-BFGS at 1024 px: over 1 GiB even tiled, within 1.5 GiB (the gateway test's figures). */
    private static final JobShape ONLY_BIG = new JobShape(1024, 768, 1024, false, 128, 10,
            dev.ist.common.job.Optimizer.LBFGS, 20, JobShape.TILE_AUTO, JobShape.DEFAULT_TILE_HALO, 16);
    private static final JobShape SMALL = ONLY_BIG.withSize(64);

    private static WorkerClass cls(String pool, long budgetMib, int workers) {
        return new WorkerClass("cpu", budgetMib * MIB, 0, 0, workers, pool);
    }

    private static List<ClassFit> fits(JobShape job, WorkerClass... classes) {
        return ClassFit.of(MODEL, List.of(classes), job);
    }

    @Test
    void aJobTheDefaultPoolFitsStaysThereEvenWhenABiggerPoolFitsToo() {
        assertEquals(Optional.of("default"), PoolRouting.forSubmit(fits(SMALL, cls("default", 1024, 1),
                cls("large", 8192, 1))));
    }

    @Test
    void noFleetOrAnUnadvertisedDefaultPoolMeansTheDefaultPool() {
        assertEquals(Optional.of("default"), PoolRouting.forSubmit(List.of()));
        assertEquals(Optional.of("default"), PoolRouting.forSubmit(fits(ONLY_BIG, cls("large", 8192, 1))));
    }

    @Test
    void aJobTheDefaultPoolCannotFitGoesToTheSmallestPoolThatFits() {
        List<ClassFit> f = fits(ONLY_BIG, cls("default", 1024, 3), cls("huge", 16384, 1), cls("large", 1536, 1));
        assertEquals(Optional.of("large"), PoolRouting.forSubmit(f));
        // ties on budget: the pool with more workers, then the name
        assertEquals(Optional.of("b"), PoolRouting.forSubmit(fits(ONLY_BIG, cls("default", 1024, 1),
                cls("a", 2048, 1), cls("b", 2048, 2))));
        assertEquals(Optional.of("a"), PoolRouting.forSubmit(fits(ONLY_BIG, cls("default", 1024, 1),
                cls("b", 2048, 1), cls("a", 2048, 1))));
    }

    @Test
    void aPoolFitsOnlyWhenAllItsClassesDo() {
        // pool mixed has a small class too: any of its workers may take the job, so pool large is preferred
        List<ClassFit> f = fits(ONLY_BIG, cls("default", 1024, 1), cls("mixed", 1024, 1), cls("mixed", 1536, 1),
                cls("large", 4096, 1));
        assertEquals(Optional.of("large"), PoolRouting.forSubmit(f));
        // with no pool fitting as a whole, the pool of the smallest class that fits
        assertEquals(Optional.of("mixed"), PoolRouting.forSubmit(fits(ONLY_BIG, cls("default", 1024, 1),
                cls("mixed", 1024, 1), cls("mixed", 1536, 1))));
    }

    @Test
    void tooLargeForEveryClassHasNoPool() {
        assertEquals(Optional.empty(), PoolRouting.forSubmit(fits(ONLY_BIG, cls("default", 512, 1),
                cls("large", 1024, 1))));
    }

    @Test
    void aWorkerForwardsOnlyToAnotherAdvertisedPoolThatFits() {
        List<ClassFit> f = fits(ONLY_BIG, cls("default", 1024, 1), cls("large", 1536, 1));
        assertEquals(Optional.of("large"), PoolRouting.forForward(f, "default"));
        assertEquals(Optional.empty(), PoolRouting.forForward(f, "large"), "never its own pool");
        assertEquals(Optional.empty(), PoolRouting.forForward(fits(ONLY_BIG, cls("default", 1024, 1)), "default"));
        assertEquals(Optional.empty(), PoolRouting.forForward(List.of(), null));
    }
}
