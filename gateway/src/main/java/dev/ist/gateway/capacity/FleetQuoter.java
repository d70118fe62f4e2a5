package dev.ist.gateway.capacity;

import dev.ist.common.capacity.WorkerClass;
import dev.ist.common.capacity.WorkerCapacityTable;
import dev.ist.common.capacity.CapacityPlanner;
import dev.ist.common.capacity.DoesNotFitException;
import dev.ist.common.capacity.Estimate;
import dev.ist.common.capacity.JobShape;
import dev.ist.common.capacity.MemoryModel;
import dev.ist.common.job.JobOptions;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Quotes a job on every advertised worker class with the engine's own capacity model ({@link CapacityPlanner}, shared
 * with the worker): each class's memory budget decides its tile plan, its measured throughput the seconds. The model's
 * coefficients are the CPU fp32 ones measured on this project's CI machine; a GPU class is quoted with them too (its
 * advertised budget is what differs).
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
        return new JobShape(contentWidth, contentHeight, o.size(), o.multiScale(),
                JobShape.DEFAULT_MIN_SCALE_LONG_SIDE, o.iterations(), o.optimizer(), JobShape.DEFAULT_LBFGS_HISTORY,
                JobShape.TILE_AUTO, JobShape.DEFAULT_TILE_HALO, JobShape.gridOf(o.contentLayers(), o.styleLayers()));
    }

    public FleetQuote quote(JobShape job) {
        List<WorkerClass> classes = table.classes(clock.instant());
        if (classes.isEmpty()) {
            Estimate unbudgeted = CapacityPlanner.measured(0).estimate(job);
            return new FleetQuote(unbudgeted, List.of(), false, true, null, "no worker has advertised its capacity "
                    + "yet, so the gateway cannot tell which workers fit this job; it is admitted and the worker "
                    + "that takes it checks it against its own budget (estimate: CPU model, untiled)");
        }
        int[] out = job.outputSize();
        long outputPixels = (long) out[0] * out[1];
        List<FleetQuote.ClassQuote> answers = new ArrayList<>();
        Estimate first = null;
        int largest = 0;
        for (WorkerClass c : classes) {
            CapacityPlanner planner = new CapacityPlanner(model, c.memoryBudgetBytes(), c.pixelsPerSecond() > 0
                    ? 1 / c.pixelsPerSecond() : CapacityPlanner.MEASURED_SECONDS_PER_PIXEL);
            int fitting = Math.min(planner.largestFittingSize(job), largestUnderCap(job, c.maxOutputPixels()));
            largest = Math.max(largest, fitting);
            if (c.maxOutputPixels() > 0 && outputPixels > c.maxOutputPixels()) {
                answers.add(new FleetQuote.ClassQuote(c, false, null, fitting, "the output has " + outputPixels
                        + " pixels, over this class's cap of " + c.maxOutputPixels()));
                continue;
            }
            try {
                Estimate e = planner.estimate(job);
                answers.add(new FleetQuote.ClassQuote(c, true, e, fitting, null));
                if (first == null) {
                    first = e;
                }
            } catch (DoesNotFitException e) {
                answers.add(new FleetQuote.ClassQuote(c, false, null, fitting, e.getMessage()));
            }
        }
        if (first == null) {
            return new FleetQuote(null, answers, true, false, largest, "no advertised worker class can run this job "
                    + "at size " + job.size() + "; the largest size that fits one is " + largest);
        }
        return new FleetQuote(first, answers, true, true, largest, "estimate on the smallest worker class that fits");
    }

    /** The largest long side whose output stays within {@code maxPixels} (0 = no cap). */
    private static int largestUnderCap(JobShape job, long maxPixels) {
        if (maxPixels <= 0) {
            return job.size();
        }
        int lo = 0;
        int hi = job.size();
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            int[] out = JobShape.scaledSize(job.contentWidth(), job.contentHeight(), mid);
            if ((long) out[0] * out[1] <= maxPixels) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }
}
