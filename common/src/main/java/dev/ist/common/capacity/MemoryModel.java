package dev.ist.common.capacity;

import java.util.Locale;

/**
 * How much memory (peak resident size of the whole worker process, fp32 on CPU) a transfer of a given output size
 * needs: {@code fixed + perPixel(mode) × pixels}, plus, for L-BFGS, the curvature history ({@code 2 × history × 3}
 * floats per pixel, off the Java heap since it moved into direct buffers). The coefficients were MEASURED on this
 * project's CI machine kind with {@code ist transfer} (random VGG19, peak RSS from
 * {@code /usr/bin/time -v}, {@code -Xmx768m}) at three sizes per optimiser; see worker/README-config.md for the figures and the
 * model's error. Scale them (e.g. for another device or precision) with {@link #scaled}.
 *
 * <p>The fast (feed-forward) path runs tiled, so its peak does not grow with the network's activations: it holds the
 * input and output rasters plus one tile's activations. Its coefficients are an estimate, not a measurement.
 */
public record MemoryModel(long lbfgsFixedBytes, double lbfgsBytesPerPixel, long adamFixedBytes,
                          double adamBytesPerPixel, long fastFixedBytes, double fastBytesPerPixel) {

    /** What runs the job, for the estimate. */
    public enum Mode { LBFGS, ADAM, FAST }

    /** Floats per pixel of one L-BFGS vector (RGB). */
    static final int CHANNELS = 3;

    /**
     * The Java heap ceiling the measurements ran with ({@code -Xmx768m}). The JVM lets garbage fill its heap before a
     * full collection, so a worker with a bigger {@code -Xmx} has that much more resident memory: the preflight
     * subtracts the difference from the budget (an unbounded 6 GB default heap added 1.2 GB at 1024 px).
     */
    public static final long MEASURED_MAX_HEAP = 768L << 20;

    /**
     * Least-squares fit to the runs in worker/README-config.md, long side 256, 512 and 1024 px at 4:3. L-BFGS: 24
     * iterations with the default history of 20 (full from iteration 21), so the fit takes the 480 B/px of those 20
     * pairs out of the slope and {@link #estimate} adds the job's real history back. Adam: 4 iterations (its state
     * does not grow with iterations). The fast path's figures are an estimate (input + output rasters and one 512 px
     * tile's activations), not a measurement.
     */
    public static MemoryModel measuredCpuFp32() {
        return new MemoryModel(539L << 20, 4230, 452L << 20, 4263, 700L << 20, 64);
    }

    /** L-BFGS history of {@code pairs} (s, y) pairs, per pixel. */
    public static long historyBytesPerPixel(int pairs) {
        return 2L * pairs * CHANNELS * Float.BYTES;
    }

    /** Peak bytes of a {@code width × height} output; {@code lbfgsHistory} counts only for L-BFGS. */
    public long estimate(Mode mode, int width, int height, int lbfgsHistory) {
        long px = (long) width * height;
        return switch (mode) {
            case LBFGS -> lbfgsFixedBytes + (long) Math.ceil(px * (lbfgsBytesPerPixel + historyBytesPerPixel(lbfgsHistory)));
            case ADAM -> adamFixedBytes + (long) Math.ceil(px * adamBytesPerPixel);
            case FAST -> fastFixedBytes + (long) Math.ceil(px * fastBytesPerPixel);
        };
    }

    /**
     * The largest long side (at the given aspect ratio, short/long ≤ 1) whose estimate fits {@code budgetBytes};
     * 0 when not even 16 px fit.
     */
    public int largestFittingSize(Mode mode, long budgetBytes, double shortOverLong, int lbfgsHistory) {
        if (!(shortOverLong > 0 && shortOverLong <= 1)) {
            throw new IllegalArgumentException("aspect must be in (0, 1]: " + shortOverLong);
        }
        int lo = 0;
        int hi = 1 << 16;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            int shortSide = Math.max(1, (int) Math.round(mid * shortOverLong));
            if (estimate(mode, mid, shortSide, lbfgsHistory) <= budgetBytes) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo < 16 ? 0 : lo;
    }

    /**
     * The longest L-BFGS history (≤ {@code wanted}, ≥ 1) with which the job fits; 0 when it does not fit even with a
     * one-pair history. Lets a worker run a big job with a shorter memory instead of refusing it.
     */
    public int historyThatFits(int width, int height, int wanted, long budgetBytes) {
        for (int m = wanted; m >= 1; m--) {
            if (estimate(Mode.LBFGS, width, height, m) <= budgetBytes) {
                return m;
            }
        }
        return 0;
    }

    public static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
    }
}
