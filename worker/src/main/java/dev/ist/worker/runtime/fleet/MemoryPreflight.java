package dev.ist.worker.runtime.fleet;

import dev.ist.common.capacity.MemoryModel;

/**
 * Decides before a job starts whether it fits this worker: the engine model's estimate against the worker's budget.
 * An L-BFGS job that does not fit with its history first gets a shorter history (down to {@link #MIN_HISTORY} pairs);
 * only a job that does not fit even then is refused, with {@code TOO_LARGE_FOR_WORKER} and the largest size that
 * fits. Refusal, not hand-on: this fleet has one worker class, so no other worker could take it (the gateway's
 * admission, which knows the advertised budgets, refuses such jobs up front once capacity is advertised).
 */
public final class MemoryPreflight {

    /** Fewer pairs than this and L-BFGS degrades towards gradient descent; refuse rather than run it that way. */
    public static final int MIN_HISTORY = 5;

    /** The verdict; {@code history} is the L-BFGS history to run with (0 for other modes). */
    public record Decision(boolean fits, long estimateBytes, long budgetBytes, int history, int largestFittingSize,
                           String message) {
    }

    private final MemoryModel model;
    private final long budgetBytes;

    public MemoryPreflight(MemoryModel model, long budgetBytes) {
        this.model = model;
        this.budgetBytes = budgetBytes;
    }

    /**
     * With the measured budget: the host budget less the part of this JVM's heap ceiling above the one the model was
     * measured with (garbage fills a bigger heap before it is collected).
     */
    public MemoryPreflight(MemoryModel model, WorkerMemoryBudget.Limits limits) {
        this(model, Math.max(0, limits.hostBytes()
                - Math.max(0, limits.maxHeapBytes() - MemoryModel.MEASURED_MAX_HEAP)));
    }

    public long budgetBytes() {
        return budgetBytes;
    }

    public Decision check(MemoryModel.Mode mode, int width, int height, int lbfgsHistory) {
        int longSide = Math.max(width, height);
        double aspect = Math.min(width, height) / (double) longSide;
        int history = mode == MemoryModel.Mode.LBFGS ? lbfgsHistory : 0;
        long estimate = model.estimate(mode, width, height, history);
        if (estimate <= budgetBytes) {
            return new Decision(true, estimate, budgetBytes, history, longSide, "fits");
        }
        if (mode == MemoryModel.Mode.LBFGS) {
            int shorter = model.historyThatFits(width, height, lbfgsHistory, budgetBytes);
            if (shorter >= Math.min(MIN_HISTORY, lbfgsHistory)) {
                return new Decision(true, model.estimate(mode, width, height, shorter), budgetBytes, shorter,
                        longSide, "fits with an L-BFGS history of " + shorter + " instead of " + lbfgsHistory);
            }
        }
        int minHistory = Math.min(MIN_HISTORY, Math.max(1, lbfgsHistory));
        int largest = model.largestFittingSize(mode, budgetBytes, aspect,
                mode == MemoryModel.Mode.LBFGS ? minHistory : 0);
        String message = String.format(java.util.Locale.ROOT,
                "a %d×%d %s job needs about %s but this worker's budget is %s; the largest size that fits is %d px"
                        + " (long side)", width, height, mode.name().toLowerCase(java.util.Locale.ROOT),
                MemoryModel.mib(estimate), MemoryModel.mib(budgetBytes), largest);
        return new Decision(false, estimate, budgetBytes, history, largest, message);
    }
}
