package dev.ist.worker.engine;

import dev.ist.common.job.Precision;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The output image (RGB, long side = the requested size) and how it was made.
 * {@code styleTargets} are the Gram targets used at each scale, for the caller's cache.
 *
 * @param precision         the network's arithmetic at the end of the run (FP32 or BF16)
 * @param precisionFallback why a bf16 run went on in fp32, or null when it did not
 */
public record TransferResult(BufferedImage image, double contentLoss, double styleLoss, double tvLoss,
                             double totalLoss, int iterationsRun, PhaseTimings timings,
                             String weightsDescription, String weightsSha256, List<StyleTargets> styleTargets,
                             Precision precision, String precisionFallback) {

    /** A result of the fp32 network (or of no network at all). */
    public TransferResult(BufferedImage image, double contentLoss, double styleLoss, double tvLoss, double totalLoss,
                          int iterationsRun, PhaseTimings timings, String weightsDescription, String weightsSha256,
                          List<StyleTargets> styleTargets) {
        this(image, contentLoss, styleLoss, tvLoss, totalLoss, iterationsRun, timings, weightsDescription,
                weightsSha256, styleTargets, Precision.FP32, null);
    }
}
