package dev.ist.common.event;

/**
 * Where a running job is.
 *
 * @param iteration  iterations done, counted over all scales
 * @param total      iterations asked for
 * @param scale      0-based index of the current pyramid scale
 * @param scales     number of scales (1 without multi-scale)
 * @param width      current image width
 * @param height     current image height
 * @param losses     loss terms at this iteration
 * @param elapsedMs  engine time since RUNNING
 * @param previewKey object key of the latest preview JPEG, or null
 */
public record Progress(int iteration, int total, int scale, int scales, int width, int height, Losses losses,
                       long elapsedMs, String previewKey) {
}
