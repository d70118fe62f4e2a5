package dev.ist.worker.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ist.common.capacity.TilePlan;
import dev.ist.common.job.ColorTransfer;
import dev.ist.common.job.Pooling;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The style side of a transfer: Gram matrices and means of the style images (masked, blended or per region, tiled for
 * print-size styles), in the colours the content asks for, and the cache key that names them. The engine computes
 * targets here once per level, or takes cached ones whose key matches.
 */
final class StyleTargetFactory {

    private final Vgg19Weights weights;
    private final NDManager manager;
    private final EngineSettings settings;
    private final Function<Pooling, VggNetwork> networks;

    StyleTargetFactory(Vgg19Weights weights, NDManager manager, EngineSettings settings,
                       Function<Pooling, VggNetwork> networks) {
        this.weights = weights;
        this.manager = manager;
        this.settings = settings;
        this.networks = networks;
    }

    /** What the styles are matched to: the content's luminance (preserve colours) or its colour statistics. */
    private record ColourReference(float[] lumaRef, ColorMatch.Stats stats) {
        static ColourReference of(TransferSpec spec) {
            float[] contentChw = spec.colorTransfer() == ColorTransfer.NONE ? null : ImageOps.toChw(spec.content());
            return new ColourReference(spec.preserveColors() ? ImageOps.luminance(contentChw) : null,
                    spec.colorTransfer() == ColorTransfer.HISTOGRAM ? ColorMatch.stats(contentChw) : null);
        }
    }

    /**
     * The style targets of {@code styles} (with their style masks) for an output of {@code outputLongSide} pixels:
     * one blended region, or one region per style when {@code spec} is in region mode (output masks).
     */
    StyleTargets compute(List<StyleImage> styles, int outputLongSide, TransferSpec spec) {
        if (styles.isEmpty()) {
            throw new InvalidSpecException("need at least one style image");
        }
        networks.apply(Pooling.MAX).requireLayers(spec.styleLayers(), weights.description());
        ColourReference colour = ColourReference.of(spec);
        float[] lumaRef = colour.lumaRef();
        ColorMatch.Stats colours = colour.stats();
        String key = key(styles, outputLongSide, spec, colour);
        int styleLongSide = Math.max(16, (int) Math.round(outputLongSide * spec.styleScale()));
        List<float[]> pixels = new ArrayList<>();
        List<int[]> sizes = new ArrayList<>();
        List<float[]> styleMasks = new ArrayList<>();
        List<Double> blendWeights = new ArrayList<>();
        int minSide = StyleTransferEngine.minimumShortSide(spec);
        for (int k = 0; k < styles.size(); k++) {
            BufferedImage style = styles.get(k).image();
            int[] size = ImageOps.scaledSize(style.getWidth(), style.getHeight(), styleLongSide);
            if (Math.min(size[0], size[1]) < minSide) {
                // too small for the deepest layer: enlarge until the short side fits
                double grow = (double) minSide / Math.min(size[0], size[1]);
                size = new int[] {(int) Math.ceil(size[0] * grow), (int) Math.ceil(size[1] * grow)};
            }
            float[] p = ImageOps.toChw(ImageOps.resize(style, size[0], size[1]));
            if (lumaRef != null) {
                p = ImageOps.grey(ImageOps.matchLuminance(ImageOps.luminance(p), lumaRef));
            } else if (colours != null) {
                p = ColorMatch.transfer(p, colours);
            }
            BufferedImage styleMask = styles.get(k).styleMask();
            float[] mask = styleMask == null ? null : LevelMasks.grey(styleMask, size[0], size[1]);
            if (mask != null && isBlack(mask)) {
                throw new InvalidSpecException("the style mask of style " + k + " selects nothing (black everywhere)");
            }
            pixels.add(p);
            sizes.add(size);
            styleMasks.add(mask);
            blendWeights.add(styles.get(k).weight());
        }
        return styleTargets(pixels, sizes, styleMasks, blendWeights, spec.regionMode(), outputLongSide, spec, key);
    }

    private static boolean isBlack(float[] mask) {
        for (float v : mask) {
            if (v > 1e-4f) {
                return false;
            }
        }
        return true;
    }

    /** Blended Gram targets of style images given as CHW pixels with their (w, h). */
    StyleTargets gramTargets(List<float[]> pixels, List<int[]> sizes, List<Double> blendWeights, int outputLongSide,
                             TransferSpec spec, String key) {
        List<float[]> noMasks = new ArrayList<>();
        for (int k = 0; k < pixels.size(); k++) {
            noMasks.add(null);
        }
        return styleTargets(pixels, sizes, noMasks, blendWeights, false, outputLongSide, spec, key);
    }

    /**
     * Gram matrices and means of style images (CHW pixels with their (w, h)), each weighted by its style mask plane
     * (null = all of it): blended by weight into one region, or one region per style when {@code regions}.
     */
    StyleTargets styleTargets(List<float[]> pixels, List<int[]> sizes, List<float[]> styleMasks,
                              List<Double> blendWeights, boolean regions, int outputLongSide, TransferSpec spec,
                              String key) {
        double sum = 0;
        for (double w : blendWeights) {
            sum += w;
        }
        List<StyleTargets.Region> out = new ArrayList<>();
        Map<String, Integer> channels = new LinkedHashMap<>();
        VggNetwork styleNet = networks.apply(spec.pooling());
        try (NDManager sub = manager.newSubManager()) {
            Map<String, NDArray> blended = new LinkedHashMap<>();
            Map<String, NDArray> blendedMeans = new LinkedHashMap<>();
            TilePlanner planner = new TilePlanner(settings.memoryBudgetBytes());
            for (int k = 0; k < pixels.size(); k++) {
                int[] size = sizes.get(k);
                double w = blendWeights.get(k) / sum;
                Map<String, LevelMasks.LayerMask> masks = styleMasks.get(k) == null ? null
                        : LevelMasks.perLayer(styleMasks.get(k), size[0], size[1], spec.styleLayers());
                // a print-size style image is tiled like the level it serves (forward only, so it fits too)
                TilePlan plan = planner.planForward(spec, size[0], size[1]);
                Map<String, NDArray> styleGrams;
                Map<String, NDArray> styleMeans;
                if (plan.single()) {
                    NDArray image = sub.create(pixels.get(k), new Shape(1, 3, size[1], size[0]));
                    Map<String, NDArray> features = styleNet.activations(image, spec.styleLayers());
                    styleGrams = new LinkedHashMap<>();
                    styleMeans = new LinkedHashMap<>();
                    for (String layer : spec.styleLayers()) {
                        LevelMasks.LayerMask m = masks == null ? null : masks.get(layer);
                        NDArray row = m == null ? null : m.row(sub);
                        double area = m == null ? 0 : m.sumSquares();
                        NDArray f = features.get(layer);
                        styleGrams.put(layer, row == null ? VggNetwork.gram(f) : StyleStatistics.gram(f, row, area));
                        styleMeans.put(layer, StyleStatistics.mean(f, row, area));
                    }
                } else {
                    TiledGatysObjective.Statistics st = TiledGatysObjective.statistics(styleNet, sub, pixels.get(k),
                            plan, spec.styleLayers(), masks);
                    styleGrams = st.grams();
                    styleMeans = st.means();
                }
                if (regions) {
                    out.add(region(styleGrams, styleMeans, spec));
                    continue;
                }
                for (String layer : spec.styleLayers()) {
                    blended.merge(layer, Scalars.mul(styleGrams.get(layer), w), NDArray::add);
                    blendedMeans.merge(layer, Scalars.mul(styleMeans.get(layer), w), NDArray::add);
                }
            }
            if (!regions) {
                out.add(region(blended, blendedMeans, spec));
            }
            for (String layer : spec.styleLayers()) {
                channels.put(layer, styleNet.channels(layer));
            }
        }
        return new StyleTargets(key, outputLongSide, out, channels);
    }

    private static StyleTargets.Region region(Map<String, NDArray> grams, Map<String, NDArray> means,
                                              TransferSpec spec) {
        Map<String, float[]> g = new LinkedHashMap<>();
        Map<String, float[]> m = new LinkedHashMap<>();
        for (String layer : spec.styleLayers()) {
            g.put(layer, grams.get(layer).toFloatArray());
            m.put(layer, means.get(layer).toFloatArray());
        }
        return new StyleTargets.Region(g, m);
    }

    /**
     * The cache key of the targets {@link #compute} makes: weights, pooling, size, scale, layers, mode, the colour
     * reference the styles are matched to, and every style image and mask with its share of the blend.
     */
    String key(List<StyleImage> styles, int outputLongSide, TransferSpec spec) {
        return key(styles, outputLongSide, spec, ColourReference.of(spec));
    }

    private String key(List<StyleImage> styles, int outputLongSide, TransferSpec spec, ColourReference colour) {
        float[] lumaRef = colour.lumaRef();
        ColorMatch.Stats colours = colour.stats();
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            StringBuilder sb = new StringBuilder("ist-style-targets-v2|").append(weights.sha256()).append('|')
                    .append(weights.preprocessing()).append('|').append(spec.pooling()).append('|')
                    .append(outputLongSide).append('|').append(spec.styleScale()).append('|')
                    .append(String.join(",", spec.styleLayers())).append('|')
                    .append(spec.regionMode() ? "regions|" : "blend|");
            if (lumaRef != null) {
                float[] stats = ImageOps.matchLuminance(new float[] {0f, 1f}, lumaRef);
                sb.append("luma:").append(stats[0]).append(',').append(stats[1]).append('|');
            }
            if (colours != null) {
                sb.append("histogram:").append(java.util.Arrays.toString(colours.mean()))
                        .append(java.util.Arrays.toString(colours.cov())).append('|');
            }
            double sum = 0;
            for (StyleImage s : styles) {
                sum += s.weight();
            }
            for (StyleImage style : styles) {
                sb.append(imageHash(md, style.image()));
                if (style.styleMask() != null) {
                    sb.append("/mask:").append(imageHash(md, style.styleMask()));
                }
                sb.append(':').append(style.weight() / sum).append(';');
            }
            return HexFormat.of().formatHex(md.digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String imageHash(MessageDigest md, BufferedImage s) {
        int[] argb = s.getRGB(0, 0, s.getWidth(), s.getHeight(), null, 0, s.getWidth());
        ByteBuffer buf = ByteBuffer.allocate(argb.length * 4 + 8);
        buf.putInt(s.getWidth()).putInt(s.getHeight());
        for (int p : argb) {
            buf.putInt(p & 0xffffff);
        }
        md.update(buf.array());
        return HexFormat.of().formatHex(md.digest());
    }
}
