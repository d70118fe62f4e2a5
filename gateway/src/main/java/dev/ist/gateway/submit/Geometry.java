package dev.ist.gateway.submit;

import dev.ist.common.image.ImageInfo;
import dev.ist.common.job.FieldError;
import dev.ist.common.job.JobLimits;
import dev.ist.common.job.JobOptions;
import dev.ist.gateway.api.ProblemException;

import java.util.ArrayList;
import java.util.List;

/**
 * Refuses at submit an output that the chosen layers cannot work on: the worker resizes the content so its long side
 * is {@code options.size}, and each pooling before the deepest layer halves the maps, so the short side must be at
 * least 2^(poolings). A 1000×4 photo at size 64 would be 64×1: refused with the smallest size that works.
 */
final class Geometry {

    private Geometry() {
    }

    static void check(ImageInfo content, JobOptions options, JobLimits limits) {
        List<String> layers = new ArrayList<>();
        if (options.contentLayers() != null) {
            layers.addAll(options.contentLayers());
        }
        if (options.styleLayers() != null) {
            layers.addAll(options.styleLayers());
        }
        int minSide = minimumShortSide(layers);
        int size = options.size();
        if (shortSide(content.width(), content.height(), size) >= minSide) {
            return;
        }
        Integer smallest = null;
        for (int s = size + 1; s <= limits.maxSize(); s++) {
            if (shortSide(content.width(), content.height(), s) >= minSide) {
                smallest = s;
                break;
            }
        }
        String detail = "the content is " + content.width() + "×" + content.height() + "; at size " + size
                + " its short side would be " + shortSide(content.width(), content.height(), size)
                + " pixels, below the " + minSide + " the chosen layers need";
        String fix = smallest != null ? "use options.size " + smallest + " or more"
                : "no size up to " + limits.maxSize() + " works for this aspect ratio; crop the image or use "
                + "shallower layers";
        ProblemException p = ProblemException.invalid(detail + "; " + fix,
                List.of(new FieldError("options.size", fix)), "invalid_option")
                .with("minShortSide", minSide);
        if (smallest != null) {
            p.with("minimum", smallest);
        }
        throw p;
    }

    /** As the worker scales: long side = size, the other side rounded, at least 1. */
    static int shortSide(int w, int h, int size) {
        int longest = Math.max(w, h);
        if (longest == size) {
            return Math.min(w, h);
        }
        double s = (double) size / longest;
        return Math.max(1, (int) Math.round(Math.min(w, h) * s));
    }

    /** 2^(max-poolings before the deepest named layer); "poolN" itself counts its own pooling. */
    static int minimumShortSide(List<String> layers) {
        int side = 1;
        for (String layer : layers) {
            if (layer == null || layer.length() < 5) {
                continue;
            }
            int block;
            boolean pool = layer.startsWith("pool");
            try {
                block = Integer.parseInt(layer.substring(4, 5)); // conv4_2, relu4_1, pool4
            } catch (NumberFormatException e) {
                continue; // an unknown name is the validator's to report
            }
            side = Math.max(side, 1 << (pool ? block : block - 1));
        }
        return side;
    }
}
