package dev.ist.common.capacity;

import dev.ist.common.job.Optimizer;

/**
 * How one pyramid level runs: its tile plan (a single tile = the untiled objective), the L-BFGS history that fits
 * beside it, and the modelled peak resident bytes and seconds per iteration ({@link CapacityPlanner}).
 */
public record LevelPlan(int width, int height, TilePlan tiles, Optimizer optimizer, int lbfgsHistory, long peakBytes,
                        double secondsPerIteration) {

    public boolean tiled() {
        return !tiles.single();
    }

    public String describe() {
        return width + "x" + height + ": " + tiles.describe()
                + (optimizer == Optimizer.LBFGS ? ", L-BFGS history " + lbfgsHistory : ", Adam")
                + String.format(java.util.Locale.ROOT, ", ~%.0f MiB peak, ~%.1f s/iteration", peakBytes / 1048576.0,
                secondsPerIteration);
    }
}
