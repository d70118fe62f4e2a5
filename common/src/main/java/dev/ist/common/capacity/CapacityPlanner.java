package dev.ist.common.capacity;

import dev.ist.common.job.Optimizer;

import java.util.ArrayList;
import java.util.List;

/**
 * The one memory and time model of a transfer, shared by the engine (which runs by it), the worker (which checks a
 * job against its budget before announcing it) and the gateway (which quotes a job per advertised worker class).
 * Pure arithmetic, no tensors.
 *
 * <p>Memory: the measured {@link MemoryModel} (untiled: {@code fixed + perPixel·P + history}) extended with the tile
 * plan: a tiled level holds the optimiser's image-sized state for all P pixels (L-BFGS: x, gradient, previous
 * gradient, direction, the new evaluation's gradient, the y/s clones and two-loop temporaries alive together plus heap
 * garbage not yet collected ≈ 10 vectors of 12 B/px, plus its off-heap history; Adam: ≈ 7) and the per-tile content
 * targets (512 channels at 1/64 of the pixels: 32 B/px), but the activations (the model's per-pixel figure less that
 * state) of the largest padded tile only: {@code fixed + reserve + P·state + P·32 + (perPixel − state₀)·T}.
 *
 * <p>Time: {@code secondsPerPixel} per input pixel of one forward + backward evaluation (the worker's advertised
 * throughput, or the figure measured on this project's CI machine); a tiled level also runs the Gram pass and
 * evaluates its halos.
 *
 * <p>Policy: untiled when the level fits; else tiled with the requested history and the largest core that fits, as
 * long as that core is at least {@link #EFFICIENT_CORE} px (below it the halo overhead grows); else shorter L-BFGS
 * histories; else tiles down to {@link #MIN_CORE} px with a one-pair history; else {@link DoesNotFitException}.
 */
public final class CapacityPlanner {
    /** Seconds per input pixel of one forward + backward evaluation (2 threads, fp32), measured at 512 px. */
    public static final double MEASURED_SECONDS_PER_PIXEL = 10.7e-6;
    /** Pass 1 (forward to the style layers, no gradient) relative to a forward + backward. */
    public static final double GRAM_PASS_FRACTION = 0.35;
    public static final int EFFICIENT_CORE = 512;
    public static final int MIN_CORE = 128;
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
    private final double secondsPerPixel;

    /** {@code budgetBytes} 0 = no budget (untiled unless the job asks for tiles). */
    public CapacityPlanner(MemoryModel model, long budgetBytes, double secondsPerPixel) {
        if (budgetBytes < 0) {
            throw new IllegalArgumentException("memory budget must be >= 0");
        }
        if (!(secondsPerPixel > 0)) {
            throw new IllegalArgumentException("seconds per pixel must be > 0");
        }
        this.model = model;
        this.budgetBytes = budgetBytes;
        this.secondsPerPixel = secondsPerPixel;
    }

    /** The measured CPU fp32 model and time. */
    public static CapacityPlanner measured(long budgetBytes) {
        return new CapacityPlanner(MemoryModel.measuredCpuFp32(), budgetBytes, MEASURED_SECONDS_PER_PIXEL);
    }

    public long budgetBytes() {
        return budgetBytes;
    }

    /**
     * The plan of a {@code width}×{@code height} level.
     *
     * @throws DoesNotFitException when it cannot fit the budget even with the smallest tiles
     */
    public LevelPlan plan(JobShape job, int width, int height) {
        int grid = job.grid();
        int halo = (job.tileHalo() + grid - 1) / grid * grid;
        Optimizer optimizer = job.optimizer();
        int wanted = optimizer == Optimizer.LBFGS ? job.lbfgsHistory() : 0;
        if (job.tileSize() != JobShape.TILE_AUTO) {
            TilePlan tiles = TilePlan.of(width, height, Math.max(grid, job.tileSize() / grid * grid), halo, grid);
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
        throw new DoesNotFitException("a " + width + "x" + height + " level (" + untiledPixels + " pixels) does "
                + "not fit the memory budget of " + (budgetBytes >> 20) + " MiB even with " + MIN_CORE + " px tiles"
                + (optimizer == Optimizer.LBFGS ? " and a one-pair L-BFGS history" : ""), Math.max(16, suggested));
    }

    /**
     * The tiles of a forward-only pass over a {@code width}×{@code height} image (a style image's Gram matrices): no
     * optimiser state, only the image and one tile's activations. Untiled when that fits; else the largest core that
     * does, never below {@link #MIN_CORE} (a style image too big even then is the user's to shrink with styleScale).
     * Never larger than the tiles an optimised level of that size would use: the native allocator keeps the pages a
     * pass freed (jemalloc without decay, for speed), so a bigger forward tile stayed resident beside the optimiser's
     * state for the whole run. At 7680x4320 under 8 GB the style pass's budget-sized tiles left 4 GB of freed pages
     * (jemalloc: 2.9 GB allocated, 6.9 GB resident) and the run peaked at 1.13× its budget.
     */
    public TilePlan planForward(JobShape job, int width, int height) {
        int grid = job.grid();
        int halo = (job.tileHalo() + grid - 1) / grid * grid;
        TilePlan optimised = optimisedTilesOrNull(job, width, height);
        if (optimised != null && !optimised.single()) {
            return TilePlan.of(width, height, optimised.core(), halo, grid);
        }
        TilePlan untiled = TilePlan.of(width, height, Math.max(width, height) + grid, halo, grid);
        if (budgetBytes == 0 || forwardPeak(untiled) <= budgetBytes) {
            return untiled;
        }
        int best = MIN_CORE;
        int lo = MIN_CORE / grid;
        int hi = Math.max(width, height) / grid + 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (forwardPeak(TilePlan.of(width, height, mid * grid, halo, grid)) <= budgetBytes) {
                best = mid * grid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return TilePlan.of(width, height, best, halo, grid);
    }

    /** The tiles of an optimised level of this size, or null where none fits (the forward pass may still). */
    private TilePlan optimisedTilesOrNull(JobShape job, int width, int height) {
        try {
            return plan(job, width, height).tiles();
        } catch (DoesNotFitException e) {
            return null;
        }
    }

    /** A forward pass holds the image and (an upper bound) the training-mode activations of its largest tile. */
    private long forwardPeak(TilePlan tiles) {
        double activations = model.adamBytesPerPixel() - ADAM_VECTORS * VECTOR_BYTES_PER_PIXEL;
        long image = (long) tiles.width() * tiles.height() * VECTOR_BYTES_PER_PIXEL;
        return model.adamFixedBytes() + (tiles.single() ? 0 : TILED_RESERVE_BYTES) + image
                + (long) Math.ceil(activations * tiles.largestPaddedPixels());
    }

    /** Every level of {@code job}, coarse to fine. */
    public List<LevelPlan> plan(JobShape job) {
        List<LevelPlan> plans = new ArrayList<>();
        for (int[] l : job.levels()) {
            plans.add(plan(job, l[0], l[1]));
        }
        return plans;
    }

    /**
     * The quote of {@code job}: modelled peak resident memory and seconds with each level's tile plan.
     *
     * @throws DoesNotFitException when a level cannot fit
     */
    public Estimate estimate(JobShape job) {
        List<LevelPlan> plans = plan(job);
        int[] split = JobShape.iterationSplit(job.iterations(), plans.size());
        List<Estimate.Level> levels = new ArrayList<>();
        long peak = 0;
        double seconds = 0;
        for (int i = 0; i < plans.size(); i++) {
            LevelPlan p = plans.get(i);
            TilePlan t = p.tiles();
            levels.add(new Estimate.Level(p.width(), p.height(), t.tiles().size(),
                    t.single() ? Math.max(p.width(), p.height()) : t.core(), t.single() ? 0 : t.halo(),
                    p.lbfgsHistory(), p.peakBytes(), p.secondsPerIteration(), split[i]));
            peak = Math.max(peak, p.peakBytes());
            // each level evaluates its start point once, then about one evaluation per iteration
            seconds += p.secondsPerIteration() * (split[i] + 1);
        }
        return new Estimate(peak, seconds, plans.get(plans.size() - 1).secondsPerIteration(), levels);
    }

    /** Whether {@code job} fits this budget (tiled if need be). */
    public boolean fits(JobShape job) {
        try {
            plan(job);
            return true;
        } catch (DoesNotFitException e) {
            return false;
        }
    }

    /**
     * The largest output long side (≤ {@code job.size()}, same content aspect and options) that fits this budget, found
     * by bisection on the model itself; 0 when not even the smallest level fits.
     */
    public int largestFittingSize(JobShape job) {
        int lo = 0;
        int hi = job.size();
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            int[] out = JobShape.scaledSize(job.contentWidth(), job.contentHeight(), mid);
            if (Math.min(out[0], out[1]) >= job.grid() && fits(job.withSize(mid))) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    private LevelPlan plan(TilePlan tiles, Optimizer optimizer, int history) {
        return new LevelPlan(tiles.width(), tiles.height(), tiles, optimizer, history, peak(tiles, optimizer, history),
                secondsPerIteration(tiles));
    }

    /** Modelled peak resident bytes of a level run with these tiles. */
    public long peak(TilePlan tiles, Optimizer optimizer, int history) {
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
    public double secondsPerIteration(TilePlan tiles) {
        if (tiles.single()) {
            return secondsPerPixel * tiles.width() * tiles.height();
        }
        long padded = 0;
        for (TilePlan.Tile t : tiles.tiles()) {
            padded += (long) t.paddedWidth() * t.paddedHeight();
        }
        return secondsPerPixel * padded * (1 + GRAM_PASS_FRACTION);
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
