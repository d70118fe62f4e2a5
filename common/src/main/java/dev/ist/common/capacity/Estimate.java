package dev.ist.common.capacity;

import java.util.List;

/**
 * What a transfer is expected to cost on one worker class, before it runs: the peak resident bytes, the seconds of
 * the whole run and per iteration of its largest level, and how each pyramid level is run (its tile plan and the
 * L-BFGS history that fits beside it). The engine fills it from a memory and time model measured on the machine; the
 * gateway can show it (dry run, ETA) and compare {@link #peakBytes()} with the workers' advertised budgets.
 *
 * @param peakBytes           the largest level's modelled peak resident memory
 * @param seconds             all iterations of all levels
 * @param secondsPerIteration one iteration of the final (largest) level
 * @param levels              coarse to fine
 */
public record Estimate(long peakBytes, double seconds, double secondsPerIteration, List<Level> levels) {

    /**
     * One pyramid level.
     *
     * @param tiles        1 = untiled
     * @param tileCore     core side of a tile in pixels (the level's long side when untiled)
     * @param tileHalo     pixels a tile reads beyond its core on each side (0 when untiled)
     * @param lbfgsHistory the (s, y) pairs kept; 0 for Adam
     * @param iterations   iterations run at this level
     */
    public record Level(int width, int height, int tiles, int tileCore, int tileHalo, int lbfgsHistory,
                        long peakBytes, double secondsPerIteration, int iterations) {
    }

    public Estimate {
        levels = List.copyOf(levels);
    }
}
