package dev.ist.worker.runtime.job;

import dev.ist.common.job.JobMode;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.Optimizer;
import dev.ist.worker.engine.MemoryModel;
import dev.ist.worker.engine.TransferSpec;
import dev.ist.worker.runtime.fleet.MemoryPreflight;

/**
 * Whether a job of a given output size fits this worker's memory, asked before RUNNING is announced. Behind an
 * interface so the estimate can change (e.g. become tile-aware) without touching the runner.
 */
@FunctionalInterface
public interface JobMemoryCheck {

    /**
     * @param fits         whether to run it
     * @param lbfgsHistory the L-BFGS history to run with (may be shorter than the engine default to fit)
     * @param message      why not (the FAILED message, with the largest size that fits), or how it fits
     */
    record Verdict(boolean fits, int lbfgsHistory, String message) {
    }

    Verdict check(JobOptions options, int width, int height);

    /** No budget: everything fits with the default history (tests, the CLI). */
    static JobMemoryCheck unlimited() {
        return (options, width, height) -> new Verdict(true, TransferSpec.DEFAULT_LBFGS_HISTORY, "no memory budget");
    }

    /** The engine memory model against the worker's measured budget. */
    static JobMemoryCheck of(MemoryPreflight preflight) {
        return (options, width, height) -> {
            MemoryModel.Mode mode = options.mode() == JobMode.FAST ? MemoryModel.Mode.FAST
                    : options.optimizer() == Optimizer.ADAM ? MemoryModel.Mode.ADAM : MemoryModel.Mode.LBFGS;
            MemoryPreflight.Decision d = preflight.check(mode, width, height, TransferSpec.DEFAULT_LBFGS_HISTORY);
            return new Verdict(d.fits(), d.history() > 0 ? d.history() : TransferSpec.DEFAULT_LBFGS_HISTORY,
                    d.message());
        };
    }
}
