package dev.ist.common.job;

/**
 * One style image and its blend weight. Weights of all styles of a job are normalised by the engine,
 * so {@code 0.7, 0.3} and {@code 7, 3} mean the same.
 *
 * @param image     the style image
 * @param weight    its blend weight (&gt; 0)
 * @param mask      optional grey image over the <em>output</em>: white = this style applies, grey = partly, black =
 *                  not at all (spatial control, Gatys et al. 2017); null = everywhere
 * @param styleMask optional grey image over the <em>style image</em>: which part of it to sample; null = all of it
 */
public record StyleRef(ImageRef image, double weight, ImageRef mask, ImageRef styleMask) {

    /** A style applied everywhere, sampled from the whole style image. */
    public StyleRef(ImageRef image, double weight) {
        this(image, weight, null, null);
    }

    public boolean masked() {
        return mask != null || styleMask != null;
    }
}
