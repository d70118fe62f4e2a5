package dev.ist.worker.engine;

/**
 * The settings of one run that a job request does not carry: the worker and {@code ist transfer} choose them for
 * this machine. Everything a user asks for is in {@link dev.ist.common.job.JobOptions}.
 *
 * @param lbfgsHistory     L-BFGS history size (the CLI's --history; the worker shrinks it to fit memory)
 * @param strongWolfe      L-BFGS with a strong-Wolfe line search instead of fixed steps
 * @param toleranceGrad    L-BFGS stops when the largest gradient component falls below this
 * @param toleranceChange  L-BFGS stops when the step or the loss changes less than this
 * @param minScaleLongSide long side of the coarsest scale of the multi-scale pyramid
 * @param keepBest         return the iterate with the lowest loss instead of the last
 * @param tileSize         tile core side in pixels; {@link TransferSpec#TILE_AUTO} = from the memory budget
 * @param tileHalo         tile halo in pixels (rounded up to the pooling grid)
 */
public record EngineTuning(int lbfgsHistory, boolean strongWolfe, double toleranceGrad, double toleranceChange,
                           int minScaleLongSide, boolean keepBest, int tileSize, int tileHalo) {

    public static EngineTuning defaults() {
        return new EngineTuning(TransferSpec.DEFAULT_LBFGS_HISTORY, false, 1e-7, 1e-9, 128, false,
                TransferSpec.TILE_AUTO, TransferSpec.DEFAULT_TILE_HALO);
    }

    /** Throws {@link InvalidSpecException} naming the first setting this engine cannot run with. */
    void check() {
        if (lbfgsHistory < 1) {
            throw new InvalidSpecException("L-BFGS history size must be >= 1, got " + lbfgsHistory);
        }
        if (tileSize != TransferSpec.TILE_AUTO && tileSize < 64) {
            throw new InvalidSpecException("tile size must be 0 (automatic) or >= 64 pixels, got " + tileSize);
        }
        if (tileHalo < 0 || tileHalo > 512) {
            throw new InvalidSpecException("tile halo must be in [0, 512] pixels, got " + tileHalo);
        }
        if (minScaleLongSide < 16) {
            throw new InvalidSpecException("multi-scale minimum size must be >= 16, got " + minScaleLongSide);
        }
    }
}
