package dev.ist.worker.runtime.job;

import dev.ist.worker.engine.StyleImage;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The decoded input images of one job; {@code initImage} only when the job starts from an image of its own,
 * {@code contentMask} only when it has one (grey; the styles carry their own masks).
 */
public record JobInputs(BufferedImage content, List<StyleImage> styles, BufferedImage initImage,
                        BufferedImage contentMask) {

    public JobInputs(BufferedImage content, List<StyleImage> styles, BufferedImage initImage) {
        this(content, styles, initImage, null);
    }
}
