package dev.ist.worker.engine;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Checks a guidance mask against the image it lies over and brings it to that image's size: an output mask must have
 * the content's aspect ratio, a style mask its style image's, each within {@link #ASPECT_TOLERANCE} (a mask for
 * another picture is refused rather than stretched), naming the field that carried it.
 */
public final class MaskFit {

    /** Largest relative difference of aspect ratios (w/h) accepted. */
    public static final double ASPECT_TOLERANCE = 0.10;

    private MaskFit() {
    }

    /** {@code mask} resized to {@code w}×{@code h} (grey), or {@link InvalidSpecException} naming {@code field}. */
    public static BufferedImage fit(BufferedImage mask, int w, int h, String field, String over) {
        double aspect = (double) mask.getWidth() / mask.getHeight();
        double target = (double) w / h;
        if (Math.abs(aspect / target - 1) > ASPECT_TOLERANCE) {
            throw new InvalidSpecException(String.format(Locale.ROOT,
                    "%s: the mask is %dx%d (aspect %.2f) but the %s is %.2f; they must agree within %d %%", field,
                    mask.getWidth(), mask.getHeight(), aspect, over, target, Math.round(ASPECT_TOLERANCE * 100)));
        }
        float[] plane = LevelMasks.grey(mask, w, h);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster r = out.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                r.setSample(x, y, 0, Math.round(plane[y * w + x] * 255));
            }
        }
        return out;
    }

    /**
     * The styles with their output masks fitted to the {@code outW}×{@code outH} output and their style masks to their
     * own images; fields are named {@code styles[i].mask} / {@code styles[i].styleMask}.
     */
    public static List<StyleImage> fitStyles(List<StyleImage> styles, int outW, int outH) {
        List<StyleImage> out = new ArrayList<>();
        for (int i = 0; i < styles.size(); i++) {
            StyleImage s = styles.get(i);
            BufferedImage mask = s.mask() == null ? null
                    : fit(s.mask(), outW, outH, "styles[" + i + "].mask", "output");
            BufferedImage styleMask = s.styleMask() == null ? null
                    : fit(s.styleMask(), s.image().getWidth(), s.image().getHeight(), "styles[" + i + "].styleMask",
                            "style image");
            out.add(new StyleImage(s.image(), s.weight(), mask, styleMask));
        }
        return out;
    }
}
