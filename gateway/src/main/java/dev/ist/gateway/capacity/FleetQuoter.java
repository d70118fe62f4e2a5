package dev.ist.gateway.capacity;

import dev.ist.common.capacity.CapacityPlanner;
import dev.ist.common.capacity.ClassFit;
import dev.ist.common.capacity.Estimate;
import dev.ist.common.capacity.JobShape;
import dev.ist.common.capacity.MemoryModel;
import dev.ist.common.capacity.PoolRouting;
import dev.ist.common.capacity.WorkerCapacityTable;
import dev.ist.common.capacity.WorkerClass;
import dev.ist.common.capacity.WorkerPool;
import dev.ist.common.job.JobOptions;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Quotes a job on every advertised worker class with the engine's own capacity model ({@link ClassFit}, shared with
 * the worker): each class's memory budget decides its tile plan, its measured throughput the seconds. The model's
 * coefficients are the CPU fp32 ones measured on this project's CI machine; a GPU class is quoted with them too (its
 * advertised budget is what differs). The quote names the pool the job goes to ({@link PoolRouting#forSubmit}), and
 * its estimate is on the smallest class of that pool that fits.
 */
public final class FleetQuoter {
    private final WorkerCapacityTable table;
    private final Clock clock;
    private final MemoryModel model = MemoryModel.measuredCpuFp32();

    public FleetQuoter(WorkerCapacityTable table, Clock clock) {
        this.table = table;
        this.clock = clock;
    }

    /** The model's view of an optimisation job on a {@code contentWidth}×{@code contentHeight} content image. */
    public static JobShape shape(JobOptions o, int contentWidth, int contentHeight) {
        return JobShape.of(o, contentWidth, contentHeight);
    }

    public FleetQuote quote(JobShape job) {
        List<WorkerClass> classes = table.classes(clock.instant());
        if (classes.isEmpty()) {
            Estimate unbudgeted = CapacityPlanner.measured(0).estimate(job);
            return new FleetQuote(unbudgeted, List.of(), false, true, null, "no worker has advertised its capacity "
                    + "yet, so the gateway cannot tell which workers fit this job; it is admitted to the default pool "
                    + "and the worker that takes it checks it against its own budget (estimate: CPU model, untiled)",
                    WorkerPool.DEFAULT);
        }
        List<ClassFit> fits = ClassFit.of(model, classes, job);
        List<FleetQuote.ClassQuote> answers = new ArrayList<>();
        int largest = 0;
        for (ClassFit f : fits) {
            answers.add(new FleetQuote.ClassQuote(f.workerClass(), f.fits(), f.estimate(), f.largestFittingSize(),
                    f.reason()));
            largest = Math.max(largest, f.largestFittingSize());
        }
        if (fits.stream().noneMatch(ClassFit::fits)) {
            return new FleetQuote(null, answers, true, false, largest, "no advertised worker class can run this job "
                    + "at size " + job.size() + "; the largest size that fits one is " + largest, null);
        }
        String pool = PoolRouting.forSubmit(fits).orElseThrow();
        // the estimate where the job runs: the pool's smallest fitting class (an unadvertised default pool: the
        // smallest fitting class anywhere, as before pools)
        Optional<ClassFit> where = ClassFit.quotedIn(fits, pool);
        Estimate estimate = where.or(() -> fits.stream().filter(ClassFit::fits).findFirst()).orElseThrow().estimate();
        String note = where.isPresent()
                ? "estimate on the smallest worker class of pool " + pool + " that fits"
                : "pool " + pool + " has no worker advertised now; estimate on the smallest worker class that fits";
        return new FleetQuote(estimate, answers, true, true, largest, note, pool);
    }
}
