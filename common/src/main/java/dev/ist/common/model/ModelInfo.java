package dev.ist.common.model;

import dev.ist.common.ObjectKeys;
import dev.ist.common.job.FieldError;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the registry knows about one feed-forward style network, stored as JSON at
 * {@link ObjectKeys#modelMetadata(String)} beside the ONNX file at {@link ObjectKeys#model(String)}.
 * The network takes and returns 1×3×H×W float RGB; {@code inputScale} says whether pixel values are in
 * [0, 255] (the convention of the widely shared Johnson et al. exports) or [0, 1].
 *
 * @param name        registry name ({@link ObjectKeys#MODEL_NAME_PATTERN}), chosen by the operator
 * @param description one line for the model picker
 * @param minSide     smallest height/width the network accepts
 * @param maxSide     largest height/width run in one pass; larger images are tiled
 * @param multipleOf  height and width are rounded down to a multiple of this (strided networks need it)
 * @param tileSize    tile side when tiling (≤ maxSide)
 * @param tileOverlap pixels shared by neighbouring tiles, blended away
 * @param inputScale  255 or 1: the value of a white pixel, in and out
 * @param previewKey  object key of the preview image, or null
 * @param sha256      digest of the ONNX bytes
 * @param uploadedAt  when it was registered
 */
public record ModelInfo(String name, String description, int minSide, int maxSide, int multipleOf, int tileSize,
                        int tileOverlap, double inputScale, String previewKey, String sha256, Instant uploadedAt) {

    public static final int DEFAULT_MIN_SIDE = 16;
    public static final int DEFAULT_MAX_SIDE = 1024;
    public static final int DEFAULT_MULTIPLE_OF = 1;
    public static final int DEFAULT_TILE_OVERLAP = 64;
    public static final double DEFAULT_INPUT_SCALE = 255.0;

    /** The same record with the constraints an uploader left out (0 or null) filled with the defaults. */
    public ModelInfo withDefaults() {
        int min = minSide > 0 ? minSide : DEFAULT_MIN_SIDE;
        int max = maxSide > 0 ? maxSide : DEFAULT_MAX_SIDE;
        int mult = multipleOf > 0 ? multipleOf : DEFAULT_MULTIPLE_OF;
        int tile = tileSize > 0 ? tileSize : max;
        int overlap = tileOverlap > 0 ? tileOverlap : Math.min(DEFAULT_TILE_OVERLAP, tile / 4);
        double scale = inputScale > 0 ? inputScale : DEFAULT_INPUT_SCALE;
        return new ModelInfo(name, description == null ? "" : description, min, max, mult, tile, overlap, scale,
                previewKey, sha256, uploadedAt);
    }

    /** Problems with the constraints (call on {@link #withDefaults()}), each naming its field. */
    public List<FieldError> validate() {
        List<FieldError> errors = new ArrayList<>();
        if (!ObjectKeys.isModelName(name)) {
            errors.add(new FieldError("name", "must match " + ObjectKeys.MODEL_NAME_PATTERN + ", was " + name));
        }
        if (description != null && description.length() > 500) {
            errors.add(new FieldError("description", "at most 500 characters"));
        }
        if (multipleOf < 1 || multipleOf > 256) {
            errors.add(new FieldError("multipleOf", "must be between 1 and 256, was " + multipleOf));
        }
        if (minSide < 1 || minSide > maxSide) {
            errors.add(new FieldError("minSide", "must be between 1 and maxSide (" + maxSide + "), was " + minSide));
        }
        if (maxSide > 8192) {
            errors.add(new FieldError("maxSide", "must be at most 8192, was " + maxSide));
        }
        if (tileSize < minSide || tileSize > maxSide) {
            errors.add(new FieldError("tileSize", "must be between minSide and maxSide, was " + tileSize));
        }
        if (tileOverlap < 0 || tileOverlap * 2 > tileSize) {
            errors.add(new FieldError("tileOverlap", "must be >= 0 and at most half of tileSize, was " + tileOverlap));
        }
        if (inputScale != 1.0 && inputScale != 255.0) {
            errors.add(new FieldError("inputScale", "must be 1 or 255, was " + inputScale));
        }
        return errors;
    }
}
