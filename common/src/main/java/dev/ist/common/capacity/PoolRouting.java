package dev.ist.common.capacity;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which worker pool a job goes to, from the fit of every live worker class ({@link ClassFit}).
 *
 * <p>A pool <em>fits</em> a job when every one of its live classes does: any worker of the pool may take any of its
 * jobs. The gateway ({@link #forSubmit}) sends a job to the {@link WorkerPool#DEFAULT default} pool unless the default
 * pool is advertised and does not fit it (an unadvertised default pool may be scaled to zero and come back; with no
 * fleet known at all everything goes there). Otherwise the job goes to the smallest pool that fits: the lowest largest
 * memory budget among its classes; on a tie the pool with more live workers (shorter queue), then the name. When no
 * pool fits as a whole but some class does (a pool of mixed budgets), the pool of the smallest class that fits is
 * chosen, and its workers that cannot fit the job forward it on. A worker that cannot fit a job itself asks
 * {@link #forForward} for another pool: the same order, never its own pool, only advertised pools.
 */
public final class PoolRouting {

    private PoolRouting() {
    }

    /** The pool to publish a submitted job to; empty only when the fleet is known and no class fits (too large). */
    public static Optional<String> forSubmit(List<ClassFit> fits) {
        if (fits.isEmpty()) {
            return Optional.of(WorkerPool.DEFAULT);
        }
        Map<String, List<ClassFit>> pools = byPool(fits);
        List<ClassFit> defaults = pools.get(WorkerPool.DEFAULT);
        if (defaults == null || allFit(defaults)) {
            return Optional.of(WorkerPool.DEFAULT);
        }
        return smallestFitting(pools, null);
    }

    /** Another advertised pool that fits a job the worker of {@code ownPool} cannot run; empty when none does. */
    public static Optional<String> forForward(List<ClassFit> fits, String ownPool) {
        return smallestFitting(byPool(fits), WorkerPool.orDefault(ownPool));
    }

    private static Optional<String> smallestFitting(Map<String, List<ClassFit>> pools, String excluded) {
        List<Map.Entry<String, List<ClassFit>>> candidates = new ArrayList<>();
        for (Map.Entry<String, List<ClassFit>> p : pools.entrySet()) {
            if (!p.getKey().equals(excluded) && allFit(p.getValue())) {
                candidates.add(p);
            }
        }
        Optional<String> whole = candidates.stream().min(Comparator
                        .comparingLong((Map.Entry<String, List<ClassFit>> p) -> largestBudget(p.getValue()))
                        .thenComparing(p -> -workers(p.getValue()))
                        .thenComparing(Map.Entry::getKey))
                .map(Map.Entry::getKey);
        if (whole.isPresent()) {
            return whole;
        }
        return pools.values().stream().flatMap(List::stream)
                .filter(f -> f.fits() && !f.workerClass().pool().equals(excluded))
                .min(Comparator.comparingLong((ClassFit f) -> f.workerClass().memoryBudgetBytes())
                        .thenComparing(f -> -f.workerClass().workers())
                        .thenComparing(f -> f.workerClass().pool()))
                .map(f -> f.workerClass().pool());
    }

    private static Map<String, List<ClassFit>> byPool(List<ClassFit> fits) {
        Map<String, List<ClassFit>> pools = new LinkedHashMap<>();
        for (ClassFit f : fits) {
            pools.computeIfAbsent(f.workerClass().pool(), k -> new ArrayList<>()).add(f);
        }
        return pools;
    }

    private static boolean allFit(List<ClassFit> classes) {
        return classes.stream().allMatch(ClassFit::fits);
    }

    private static long largestBudget(List<ClassFit> classes) {
        return classes.stream().mapToLong(f -> f.workerClass().memoryBudgetBytes()).max().orElse(0);
    }

    private static int workers(List<ClassFit> classes) {
        return classes.stream().mapToInt(f -> f.workerClass().workers()).sum();
    }
}
