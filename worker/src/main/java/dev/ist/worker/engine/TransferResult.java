package dev.ist.worker.engine;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The output image (RGB, long side = the requested size) and how it was made.
 * {@code styleTargets} are the Gram targets used at each scale, for the caller's cache.
 */
public record TransferResult(BufferedImage image, double contentLoss, double styleLoss, double tvLoss,
                             double totalLoss, int iterationsRun, PhaseTimings timings,
                             String weightsDescription, String weightsSha256, List<StyleTargets> styleTargets) {
}
