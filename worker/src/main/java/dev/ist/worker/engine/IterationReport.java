package dev.ist.worker.engine;

import java.awt.image.BufferedImage;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * One iteration's figures; the losses are those of the image at the START of {@code iteration}
 * (iteration 0 = the initial image; iteration == totalIterations = the final image, unless L-BFGS converged
 * earlier: {@code last} marks the final report either way).
 * {@link #preview(int)} and {@link #snapshot()} copy the image lazily and only work during the
 * {@link IterationListener#onIteration} call that received this report.
 */
public record IterationReport(int iteration, int totalIterations, int scaleIndex, int scaleCount,
                              int width, int height, double contentLoss, double styleLoss, double tvLoss,
                              double totalLoss, long elapsedMs, boolean last,
                              IntFunction<BufferedImage> previewSource, Supplier<EngineState> snapshotSource) {

    /** The current image scaled so its long side is at most {@code maxSide}. */
    public BufferedImage preview(int maxSide) {
        return previewSource.apply(maxSide);
    }

    /** The resumable state at this iteration. */
    public EngineState snapshot() {
        return snapshotSource.get();
    }

    /** The last report of the run: the budget is spent or the optimiser converged. */
    public boolean isFinal() {
        return last;
    }
}
