package dev.ist.worker.runtime.job;

import dev.ist.common.capacity.Estimate;
import dev.ist.common.capacity.MemoryModel;
import dev.ist.common.job.JobMode;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.Optimizer;
import dev.ist.worker.engine.EngineOutOfMemoryException;
import dev.ist.worker.engine.TilePlanner;
import dev.ist.worker.engine.TransferSpec;
import dev.ist.worker.runtime.fleet.MemoryPreflight;

import java.util.Locale;

/**
 * Whether a job of a given output size fits this worker's memory, asked before RUNNING is announced. An optimisation
 * job is answered by the engine's own model with its tile plan ({@link TilePlanner} on the prepared spec): a print
 * size the tiled engine can run under the budget is accepted, only one that does not fit even with the smallest tiles
 * is refused (with the largest size that does). The fast path, which has no tile planner, keeps the untiled
 * {@link MemoryPreflight}.
 */
@FunctionalInterface
public interface JobMemoryCheck {

    /**
     * @param fits          whether to run it
     * @param message       why not (the FAILED message, with the largest size that fits), or how it fits
     * @param suggestedSize the largest long side that fits when it does not (0 = unknown or it fits)
     * @param estimate      the engine's quote when it has one (the tile plan), else null
     */
    record Verdict(boolean fits, String message, int suggestedSize, Estimate estimate) {
        public Verdict(boolean fits, String message) {
            this(fits, message, 0, null);
        }
    }

    /** @param prepared the job as the stylizer bound it: it answers by its mode's model */
    Verdict check(JobOptions options, int width, int height, Stylizer.Prepared prepared);

    /** No budget: everything fits with the default history (tests, the CLI). */
    static JobMemoryCheck unlimited() {
        return (options, width, height, prepared) -> new Verdict(true, "no memory budget");
    }

    /** One budget for the worker; each job answers by its mode's model ({@link Stylizer.Prepared#memoryFit}). */
    static JobMemoryCheck of(MemoryPreflight preflight) {
        return (options, width, height, prepared) -> prepared == null
                ? untiled(preflight, options, width, height)
                : prepared.memoryFit(preflight, options, width, height);
    }

    /** The untiled preflight for the job's mode (the fast path's model). */
    static Verdict untiled(MemoryPreflight preflight, JobOptions options, int width, int height) {
        MemoryModel.Mode mode = options.mode() == JobMode.FAST ? MemoryModel.Mode.FAST
                : options.optimizer() == Optimizer.ADAM ? MemoryModel.Mode.ADAM : MemoryModel.Mode.LBFGS;
        MemoryPreflight.Decision d = preflight.check(mode, width, height, TransferSpec.DEFAULT_LBFGS_HISTORY);
        return new Verdict(d.fits(), d.message(), d.fits() ? 0 : d.largestFittingSize(), null);
    }

    /**
     * The engine's quote of {@code spec} under the planner's budget. The engine picks each level's tiles and history
     * itself, so a fitting job keeps its own history; a refused one names the largest size that fits.
     */
    static Verdict tiled(TilePlanner planner, TransferSpec spec, int width, int height) {
        try {
            Estimate estimate = planner.estimate(spec);
            Estimate.Level last = estimate.levels().get(estimate.levels().size() - 1);
            String how = last.tiles() == 1 ? "fits untiled" : String.format(Locale.ROOT,
                    "fits tiled: %d tiles of %d px + %d px halo", last.tiles(), last.tileCore(), last.tileHalo());
            return new Verdict(true, String.format(Locale.ROOT,
                    "%s, about %s of a %s budget, ~%.1f s/iteration", how, MemoryModel.mib(estimate.peakBytes()),
                    MemoryModel.mib(planner.budgetBytes()), estimate.secondsPerIteration()), 0, estimate);
        } catch (EngineOutOfMemoryException e) {
            int largest = planner.largestFittingSize(spec);
            String message = String.format(Locale.ROOT,
                    "a %d×%d %s job does not fit this worker's memory budget of %s even tiled; the largest size "
                            + "that fits is %d px (long side)", width, height,
                    spec.optimizer().name().toLowerCase(Locale.ROOT), MemoryModel.mib(planner.budgetBytes()), largest);
            return new Verdict(false, message, largest, null);
        }
    }
}
