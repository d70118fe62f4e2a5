package dev.ist.common.capacity;

import dev.ist.common.job.Optimizer;
import dev.ist.common.job.Precision;
import dev.ist.common.job.VggLayerNames;

import java.util.ArrayList;
import java.util.List;

/**
 * What the capacity model needs to know about a transfer: the content's size, the output's long side, the pyramid,
 * the iterations and how the optimiser and tiles are set. The engine builds it from its spec, the gateway from a
 * request and the content's header, so both quote from the same arithmetic ({@link CapacityPlanner}).
 *
 * @param grid     the pooling grid every inner tile edge is aligned to (16 up to relu5_1)
 * @param tileSize the tile core side, {@link #TILE_AUTO} = from the memory budget
 * @param tileHalo pixels a tile reads beyond its core (rounded up to the grid)
 * @param precision the precision the job forces (FP32, BF16), or null/AUTO for what the worker chose: decides which
 *                  advertised throughput its seconds are quoted with
 */
public record JobShape(int contentWidth, int contentHeight, int size, boolean multiScale, int minScaleLongSide,
                       int iterations, Optimizer optimizer, int lbfgsHistory, int tileSize, int tileHalo, int grid,
                       Precision precision) {

    public static final int TILE_AUTO = 0;
    /** The engine's default halo (measured in worker/README-config.md: the tiled-vs-untiled error at 64 px). */
    public static final int DEFAULT_TILE_HALO = 64;
    /** The grid of the default layers (conv4_2 and relu1_1..relu5_1: four poolings before relu5_1). */
    public static final int DEFAULT_GRID = 16;
    public static final int DEFAULT_LBFGS_HISTORY = 20;
    public static final int DEFAULT_MIN_SCALE_LONG_SIDE = 128;

    public JobShape {
        if (contentWidth < 1 || contentHeight < 1 || size < 1 || iterations < 0 || grid < 1 || tileHalo < 0) {
            throw new IllegalArgumentException("job shape out of range");
        }
    }

    /** A job in whatever precision the worker chose. */
    public JobShape(int contentWidth, int contentHeight, int size, boolean multiScale, int minScaleLongSide,
                    int iterations, Optimizer optimizer, int lbfgsHistory, int tileSize, int tileHalo, int grid) {
        this(contentWidth, contentHeight, size, multiScale, minScaleLongSide, iterations, optimizer, lbfgsHistory,
                tileSize, tileHalo, grid, null);
    }

    /**
     * The model's view of a request's options on a {@code contentWidth}×{@code contentHeight} content image (what the
     * gateway quotes and what a worker asks of the fleet's table before forwarding a job it cannot fit).
     */
    public static JobShape of(dev.ist.common.job.JobOptions o, int contentWidth, int contentHeight) {
        return new JobShape(contentWidth, contentHeight, o.size(), o.multiScale(), DEFAULT_MIN_SCALE_LONG_SIDE,
                o.iterations(), o.optimizer(), DEFAULT_LBFGS_HISTORY, TILE_AUTO, DEFAULT_TILE_HALO,
                gridOf(o.contentLayers(), o.styleLayers()), o.precision());
    }

    /** The same job at another output long side. */
    public JobShape withSize(int longSide) {
        return new JobShape(contentWidth, contentHeight, longSide, multiScale, minScaleLongSide, iterations, optimizer,
                lbfgsHistory, tileSize, tileHalo, grid, precision);
    }

    /** The output size: the content scaled so its long side is {@link #size}. */
    public int[] outputSize() {
        return scaledSize(contentWidth, contentHeight, size);
    }

    /** The pyramid levels (coarse to fine) that run: short sides below the grid are skipped. */
    public List<int[]> levels() {
        int[] out = outputSize();
        List<int[]> levels = pyramid(out[0], out[1], multiScale, minScaleLongSide);
        levels.removeIf(l -> Math.min(l[0], l[1]) < grid);
        return levels;
    }

    /**
     * 2^(poolings before the deepest layer used): the smallest short side that keeps every feature map non-empty, and
     * the grid the tiles are aligned to.
     */
    public static int gridOf(List<String> contentLayers, List<String> styleLayers) {
        int deepest = 0;
        for (String layer : contentLayers) {
            deepest = Math.max(deepest, VggLayerNames.featureIndex(layer));
        }
        for (String layer : styleLayers) {
            deepest = Math.max(deepest, VggLayerNames.featureIndex(layer));
        }
        int side = 1;
        for (int i = 0; i < deepest; i++) {
            if (VggLayerNames.isPool(i)) {
                side *= 2;
            }
        }
        return Math.max(side, VggLayerNames.isPool(deepest) ? side * 2 : side);
    }

    /** {@code width × height} scaled so its long side is {@code longSide} (rounded, at least 1). */
    public static int[] scaledSize(int width, int height, int longSide) {
        int longest = Math.max(width, height);
        if (longest == longSide) {
            return new int[] {width, height};
        }
        double s = (double) longSide / longest;
        return new int[] {Math.max(1, (int) Math.round(width * s)), Math.max(1, (int) Math.round(height * s))};
    }

    /** The final level, preceded (multi-scale) by halvings down to {@code minLongSide}. */
    public static List<int[]> pyramid(int width, int height, boolean multiScale, int minLongSide) {
        List<int[]> levels = new ArrayList<>();
        int longSide = Math.max(width, height);
        levels.add(new int[] {width, height});
        if (multiScale) {
            int side = longSide / 2;
            while (side >= minLongSide) {
                levels.add(0, scaledSize(width, height, side));
                side /= 2;
            }
        }
        return levels;
    }

    /** Iterations per level: the final level gets the larger half, the coarse levels share the rest. */
    public static int[] iterationSplit(int total, int levels) {
        int[] split = new int[levels];
        if (levels == 1) {
            split[0] = total;
            return split;
        }
        int coarseTotal = total / 2;
        int each = coarseTotal / (levels - 1);
        int used = 0;
        for (int i = 0; i < levels - 1; i++) {
            split[i] = each;
            used += each;
        }
        split[levels - 1] = total - used;
        return split;
    }
}
