package dev.ist.gateway.submit;

import java.util.Collections;
import java.util.List;

/**
 * The masks of a submission as the client sent them (spatial control, Gatys et al. 2017), before checks. Lists are
 * indexed by style, with null where a style has none; {@code content} is a content-mask part (a content mask given
 * by reference arrives inside the options instead).
 *
 * @param outputs     per style: a grey image over the output (where the style applies)
 * @param styleImages per style: a grey image over that style image (which part of it to sample)
 * @param content     the content mask part, or null
 */
public record DraftMasks(List<ImageSource> outputs, List<ImageSource> styleImages, ImageSource content) {

    public static final DraftMasks NONE = new DraftMasks(List.of(), List.of(), null);

    public DraftMasks {
        outputs = outputs == null ? List.of() : Collections.unmodifiableList(outputs);
        styleImages = styleImages == null ? List.of() : Collections.unmodifiableList(styleImages);
    }

    /** The output mask of style {@code i}, or null. */
    public ImageSource output(int i) {
        return i < outputs.size() ? outputs.get(i) : null;
    }

    /** The mask over style image {@code i}, or null. */
    public ImageSource styleImage(int i) {
        return i < styleImages.size() ? styleImages.get(i) : null;
    }

    public boolean isEmpty() {
        return content == null && outputs.stream().allMatch(java.util.Objects::isNull)
                && styleImages.stream().allMatch(java.util.Objects::isNull);
    }

    /** The API's name of a style's output mask ({@code styles[1].mask}). */
    public static String outputField(int i) {
        return "styles[" + i + "].mask";
    }

    /** The API's name of the mask over style image i ({@code styles[1].styleMask}). */
    public static String styleImageField(int i) {
        return "styles[" + i + "].styleMask";
    }

    public static final String CONTENT_FIELD = "options.contentMask";
}
