package dev.ist.worker.engine;

/**
 * The measured speed of this process's engine: input pixels of one loss-and-gradient evaluation per second, a moving
 * average over the evaluations run so far (seeded with the model's figure, {@link TilePlanner#SECONDS_PER_PIXEL_EVALUATION},
 * until the first one). What a worker advertises as its throughput.
 */
public final class Throughput {
    private static final double SMOOTHING = 0.2;
    private static volatile double pixelsPerSecond = 1 / TilePlanner.SECONDS_PER_PIXEL_EVALUATION;
    private static volatile boolean measured;

    private Throughput() {
    }

    /** Pixels per second of an evaluation (measured once one has run, else the model's). */
    public static double pixelsPerSecond() {
        return pixelsPerSecond;
    }

    public static boolean measured() {
        return measured;
    }

    /** Records one evaluation of {@code pixels} input pixels (halos included) that took {@code nanos}. */
    static synchronized void record(long pixels, long nanos) {
        if (nanos <= 0 || pixels <= 0) {
            return;
        }
        double rate = pixels / (nanos / 1e9);
        pixelsPerSecond = measured ? (1 - SMOOTHING) * pixelsPerSecond + SMOOTHING * rate : rate;
        measured = true;
    }
}
