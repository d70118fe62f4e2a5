package dev.ist.worker.cli;

import dev.ist.worker.engine.ImageDecoder;
import dev.ist.worker.engine.ImageOps;
import dev.ist.worker.engine.MaskFit;
import dev.ist.worker.engine.StyleImage;
import dev.ist.common.job.StyleRef;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ist transfer}'s style images with their masks. A {@code --style-mask} or {@code --style-image-mask} belongs to
 * the {@code --style} given before it on the command line; picocli collects each option into its own list, so the
 * association is read from the order of the original arguments.
 */
final class StyleArguments {

    private final List<Path> styles;
    private final Path[] masks;
    private final Path[] imageMasks;

    StyleArguments(List<Path> styles, List<Path> styleMasks, List<Path> styleImageMasks, List<String> args) {
        this.styles = styles;
        this.masks = new Path[styles.size()];
        this.imageMasks = new Path[styles.size()];
        int style = -1;
        int mask = 0;
        int imageMask = 0;
        for (String arg : args) {
            if (is(arg, "--style")) {
                style++;
            } else if (is(arg, "--style-mask")) {
                assign(masks, style, styleMasks.get(mask++), "--style-mask");
            } else if (is(arg, "--style-image-mask")) {
                assign(imageMasks, style, styleImageMasks.get(imageMask++), "--style-image-mask");
            }
        }
    }

    private static boolean is(String arg, String option) {
        return arg.equals(option) || arg.startsWith(option + "=");
    }

    private static void assign(Path[] slots, int style, Path file, String option) {
        if (style < 0) {
            throw new UserInputException(option + " " + file + " comes before any --style: give it after the --style"
                    + " it belongs to");
        }
        if (slots[style] != null) {
            throw new UserInputException("two " + option + " for --style number " + (style + 1) + " (" + slots[style]
                    + ", " + file + ")");
        }
        slots[style] = file;
    }

    /** The decoded styles with their blend weights and masks (output masks fitted to the output size). */
    List<StyleImage> load(List<Double> weights, BufferedImage content, int size, long maxPixels) {
        int[] out = ImageOps.scaledSize(content.getWidth(), content.getHeight(), size);
        List<StyleImage> result = new ArrayList<>();
        for (int i = 0; i < styles.size(); i++) {
            BufferedImage image = ImageDecoder.read(styles.get(i), maxPixels);
            BufferedImage mask = masks[i] == null ? null
                    : fit(ImageDecoder.readMask(masks[i], maxPixels), out, "--style-mask " + masks[i], "output");
            BufferedImage imageMask = imageMasks[i] == null ? null
                    : fit(ImageDecoder.readMask(imageMasks[i], maxPixels),
                            new int[] {image.getWidth(), image.getHeight()},
                            "--style-image-mask " + imageMasks[i], "style image");
            result.add(new StyleImage(image, weights == null ? 1.0 : weights.get(i), mask, imageMask));
        }
        return result;
    }

    /** A mask checked for the aspect of what it lies over and resized to {@code size}; one line of error otherwise. */
    static BufferedImage fit(BufferedImage mask, int[] size, String label, String over) {
        return MaskFit.fit(mask, size[0], size[1], label, over);
    }

    /** The styles as a job request names them (a file's ref, its blend weight, its masks' refs). */
    List<StyleRef> refs(List<Double> weights) {
        List<StyleRef> refs = new ArrayList<>();
        for (int i = 0; i < styles.size(); i++) {
            refs.add(new StyleRef(OptionCheck.ref(styles.get(i)), weights == null ? 1.0 : weights.get(i),
                    masks[i] == null ? null : OptionCheck.ref(masks[i]),
                    imageMasks[i] == null ? null : OptionCheck.ref(imageMasks[i])));
        }
        return refs;
    }

    /**
     * {@code --style-layer-weights} as the API's map: {@code layer=w} pairs (layers not named weigh 1) or one number
     * per style layer; null when not given. Whether a named layer is a style layer is the validator's to say.
     */
    static Map<String, Double> layerWeights(List<String> raw, List<String> layers) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        boolean named = raw.get(0).contains("=");
        Map<String, Double> byName = new LinkedHashMap<>();
        List<Double> plain = new ArrayList<>();
        for (String item : raw) {
            if (item.contains("=") != named) {
                throw new UserInputException("--style-layer-weights: give either layer=weight pairs or plain numbers,"
                        + " not both");
            }
            String[] parts = named ? item.split("=", 2) : new String[] {null, item};
            double w;
            try {
                w = Double.parseDouble(parts[1].trim());
            } catch (NumberFormatException e) {
                throw new UserInputException("--style-layer-weights: '" + item + "' is not a number");
            }
            if (named) {
                byName.put(parts[0].trim(), w);
            } else {
                plain.add(w);
            }
        }
        if (named) {
            return byName;
        }
        int layerCount = layers == null ? 0 : layers.size();
        if (plain.size() != layerCount) {
            throw new UserInputException("--style-layer-weights has " + plain.size() + " numbers for " + layerCount
                    + " --style-layers");
        }
        for (int i = 0; i < layerCount; i++) {
            byName.put(layers.get(i), plain.get(i));
        }
        return byName;
    }
}
