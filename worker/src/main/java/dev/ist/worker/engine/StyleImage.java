package dev.ist.worker.engine;

import java.awt.image.BufferedImage;
import java.util.Objects;

/** One style image and its blend weight (weights are normalised to sum 1 by the engine). */
public record StyleImage(BufferedImage image, double weight) {
    public StyleImage {
        Objects.requireNonNull(image, "style image");
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new InvalidSpecException("style weight must be a finite number >= 0, got " + weight);
        }
    }
}
