package dev.ist.worker.engine;

import java.awt.image.BufferedImage;
import java.util.Objects;

/**
 * One style image and its blend weight (weights are normalised to sum 1 by the engine), with its optional guidance
 * masks (grey images, white = 1): {@code mask} over the output says where this style applies, {@code styleMask} over
 * the style image which part of it to sample. Either may be null (everywhere / all of it).
 */
public record StyleImage(BufferedImage image, double weight, BufferedImage mask, BufferedImage styleMask) {
    public StyleImage {
        Objects.requireNonNull(image, "style image");
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new InvalidSpecException("style weight must be a finite number >= 0, got " + weight);
        }
    }

    /** A style applied everywhere, sampled from all of its image. */
    public StyleImage(BufferedImage image, double weight) {
        this(image, weight, null, null);
    }
}
