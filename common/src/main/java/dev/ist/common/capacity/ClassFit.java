package dev.ist.common.capacity;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether one advertised worker class fits a job, by the engine's own capacity model ({@link CapacityPlanner}): the
 * class's memory budget decides the tile plan, its measured throughput the seconds, its output cap the largest
 * output. The gateway quotes and routes with it, and a worker asks it of the other pools before forwarding a job its
 * own budget refuses, so both sides apply one rule.
 *
 * @param workerClass        the class
 * @param fits               whether the job fits it
 * @param estimate           on this class, when it fits
 * @param largestFittingSize the largest size (long side) this class fits, same content and options
 * @param reason             why not, when it does not fit
 */
public record ClassFit(WorkerClass workerClass, boolean fits, Estimate estimate, int largestFittingSize,
                       String reason) {

    /** Every class of {@code classes} against {@code job}, in the order given. */
    public static List<ClassFit> of(MemoryModel model, List<WorkerClass> classes, JobShape job) {
        List<ClassFit> fits = new ArrayList<>();
        for (WorkerClass c : classes) {
            fits.add(of(model, c, job));
        }
        return fits;
    }

    public static ClassFit of(MemoryModel model, WorkerClass c, JobShape job) {
        int[] out = job.outputSize();
        long outputPixels = (long) out[0] * out[1];
        // the speed of the precision the job will run in there, so a job forcing fp32 on a bf16 fleet is quoted honestly
        double rate = c.pixelsPerSecondFor(job.precision());
        CapacityPlanner planner = new CapacityPlanner(model, c.memoryBudgetBytes(), rate > 0
                ? 1 / rate : CapacityPlanner.MEASURED_SECONDS_PER_PIXEL);
        int fitting = Math.min(planner.largestFittingSize(job), largestUnderCap(job, c.maxOutputPixels()));
        if (c.maxOutputPixels() > 0 && outputPixels > c.maxOutputPixels()) {
            return new ClassFit(c, false, null, fitting, "the output has " + outputPixels
                    + " pixels, over this class's cap of " + c.maxOutputPixels());
        }
        try {
            return new ClassFit(c, true, planner.estimate(job), fitting, null);
        } catch (DoesNotFitException e) {
            return new ClassFit(c, false, null, fitting, e.getMessage());
        }
    }

    /**
     * Where a job routed to {@code pool} is quoted: the first class of that pool in {@code fits} that fits it (the
     * capacity table lists the smallest budget first). The gateway quotes a submit with it and a worker re-quotes a job
     * it forwards, so a job's quote always belongs to the pool it waits in.
     */
    public static Optional<ClassFit> quotedIn(List<ClassFit> fits, String pool) {
        return fits.stream().filter(f -> f.fits() && f.workerClass().pool().equals(pool)).findFirst();
    }

    /** The largest long side whose output stays within {@code maxPixels} (0 = no cap). */
    static int largestUnderCap(JobShape job, long maxPixels) {
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
