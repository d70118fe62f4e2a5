package dev.ist.worker.engine;

import dev.ist.common.job.Optimizer;

/**
 * Chooses, per pyramid level, the tile plan and L-BFGS history that fit a memory budget. It extends the measured
 * {@link MemoryModel} (untiled: {@code fixed + perPixel·P + history}) with the tile plan: a tiled level holds the
 * optimiser's image-sized state for all P pixels (L-BFGS: x, gradient, previous gradient, direction, the new
 * evaluation's gradient, the y/s clones and two-loop temporaries alive together plus heap garbage not yet collected
 * ≈ 10 vectors of 12 B/px, plus its off-heap history; Adam: ≈ 7) and the per-tile content targets (512
 * channels at 1/64 of the pixels: 32 B/px), but the activations (the model's per-pixel figure less that state) of the
 * largest padded tile only: {@code fixed + P·state + P·32 + (perPixel − state₀)·T}.
 *
 * <p>Policy: untiled when the level fits; else tiled with the requested history and the largest core that fits, as
 * long as that core is at least {@link #EFFICIENT_CORE} px (below it the halo overhead grows); else shorter L-BFGS
 * histories; else tiles down to {@link #MIN_CORE} px with a one-pair history; else refused.
 */
public final class TilePlanner {
    /** Seconds per input pixel of one forward + backward evaluation (2 threads, fp32), measured at 512 px. */
    public static final double SECONDS_PER_PIXEL_EVALUATION = 10.7e-6;
    /** Pass 1 (forward to the style layers, no gradient) relative to a forward + backward. */
    static final double GRAM_PASS_FRACTION = 0.35;
    static final int EFFICIENT_CORE = 512;
    static final int MIN_CORE = 128;
    private static final int VECTOR_BYTES_PER_PIXEL = 12;
    /**
     * 7 counted from the code gave a peak of 4556 MiB where the plan allowed 4096 (4096x3072, --memory-budget 4g,
     * 1 iteration): the overlap at an iteration's end is about 3 vectors more.
     */
    private static final int LBFGS_VECTORS = 10;
    private static final int ADAM_VECTORS = 7;
    private static final int CONTENT_TARGET_BYTES_PER_PIXEL = 32;
    /**
     * Resident memory of a tiled run that the per-pixel terms miss (the native allocator's retained blocks of
     * differently sized tiles, decoded input rasters, the JVM's heap slack): 2048x1536 under a 2 GiB budget peaked at
     * 2408 MiB (default heap) and 2264+ MiB (-Xmx1g) where the terms gave 2031 MiB.
     */
    static final long TILED_RESERVE_BYTES = 384L << 20;

    private final MemoryModel model;
    private final long budgetBytes;

    /** With the measured CPU fp32 model. */
    public TilePlanner(long budgetBytes) {
        this(MemoryModel.measuredCpuFp32(), budgetBytes);
    }

    /** {@code budgetBytes} 0 = no budget (untiled unless the spec asks for tiles). */
    public TilePlanner(MemoryModel model, long budgetBytes) {
        if (budgetBytes < 0) {
            throw new IllegalArgumentException("memory budget must be >= 0");
        }
        this.model = model;
        this.budgetBytes = budgetBytes;
    }

    public long budgetBytes() {
        return budgetBytes;
    }

    /** The plan of a {@code width}×{@code height} level of {@code spec}. */
    public LevelPlan plan(TransferSpec spec, int width, int height) {
        int grid = StyleTransferEngine.minimumShortSide(spec);
        int halo = (spec.tileHalo() + grid - 1) / grid * grid;
        Optimizer optimizer = spec.optimizer();
        int wanted = optimizer == Optimizer.LBFGS ? spec.lbfgsHistory() : 0;
        if (spec.tileSize() != TransferSpec.TILE_AUTO) {
            TilePlan tiles = TilePlan.of(width, height, Math.max(grid, spec.tileSize() / grid * grid), halo, grid);
            int history = wanted;
            while (budgetBytes > 0 && history > 1 && peak(tiles, optimizer, history) > budgetBytes) {
                history--;
            }
            return plan(tiles, optimizer, history);
        }
        TilePlan untiled = TilePlan.of(width, height, Math.max(width, height) + grid, halo, grid);
        if (budgetBytes == 0) {
            return plan(untiled, optimizer, wanted);
        }
        for (int history = Math.max(1, wanted); history >= 1; history--) {
            if (peak(untiled, optimizer, history) <= budgetBytes) {
                return plan(untiled, optimizer, history);
            }
            int core = largestCore(width, height, optimizer, history, halo, grid);
            if (core >= EFFICIENT_CORE || (history == 1 && core >= MIN_CORE)) {
                return plan(TilePlan.of(width, height, core, halo, grid), optimizer, history);
            }
            if (optimizer != Optimizer.LBFGS) {
                break;
            }
        }
        long untiledPixels = (long) width * height;
        int suggested = (int) (Math.max(width, height) * Math.sqrt(0.8 * budgetBytes
                / (double) peak(TilePlan.of(width, height, MIN_CORE, halo, grid), optimizer, 1)));
        throw new EngineOutOfMemoryException("a " + width + "x" + height + " level (" + untiledPixels + " pixels) does "
                + "not fit the memory budget of " + (budgetBytes >> 20) + " MiB even with " + MIN_CORE + " px tiles"
                + (optimizer == Optimizer.LBFGS ? " and a one-pair L-BFGS history" : ""), Math.max(16, suggested));
    }

    private LevelPlan plan(TilePlan tiles, Optimizer optimizer, int history) {
        return new LevelPlan(tiles.width(), tiles.height(), tiles, optimizer, history, peak(tiles, optimizer, history),
                secondsPerIteration(tiles));
    }

    /** Modelled peak resident bytes of a level run with these tiles. */
    long peak(TilePlan tiles, Optimizer optimizer, int history) {
        boolean lbfgs = optimizer == Optimizer.LBFGS;
        MemoryModel.Mode mode = lbfgs ? MemoryModel.Mode.LBFGS : MemoryModel.Mode.ADAM;
        if (tiles.single()) {
            return model.estimate(mode, tiles.width(), tiles.height(), history);
        }
        long pixels = (long) tiles.width() * tiles.height();
        long fixed = lbfgs ? model.lbfgsFixedBytes() : model.adamFixedBytes();
        int stateVectors = lbfgs ? LBFGS_VECTORS : ADAM_VECTORS;
        double activations = (lbfgs ? model.lbfgsBytesPerPixel() : model.adamBytesPerPixel())
                - stateVectors * VECTOR_BYTES_PER_PIXEL;
        long state = pixels * (stateVectors * VECTOR_BYTES_PER_PIXEL + CONTENT_TARGET_BYTES_PER_PIXEL
                + (lbfgs ? MemoryModel.historyBytesPerPixel(history) : 0));
        return fixed + TILED_RESERVE_BYTES + state + (long) Math.ceil(activations * tiles.largestPaddedPixels());
    }

    /** Modelled seconds of one iteration (one evaluation; the tiled one adds its Gram pass and the halos). */
    static double secondsPerIteration(TilePlan tiles) {
        if (tiles.single()) {
            return SECONDS_PER_PIXEL_EVALUATION * tiles.width() * tiles.height();
        }
        long padded = 0;
        for (TilePlan.Tile t : tiles.tiles()) {
            padded += (long) t.paddedWidth() * t.paddedHeight();
        }
        return SECONDS_PER_PIXEL_EVALUATION * padded * (1 + GRAM_PASS_FRACTION);
    }

    /** The largest core on the grid whose padded tile fits beside the state, 0 if none. */
    private int largestCore(int width, int height, Optimizer optimizer, int history, int halo, int grid) {
        int best = 0;
        int lo = 1;
        int hi = Math.max(width, height) / grid + 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (peak(TilePlan.of(width, height, mid * grid, halo, grid), optimizer, history) <= budgetBytes) {
                best = mid * grid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return best;
    }
}
