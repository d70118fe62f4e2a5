package dev.ist.common.job;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a user can tune about one transfer. Unset fields in JSON take the defaults of {@link #defaults()};
 * bounds are checked by {@link JobValidator} against {@link JobLimits}.
 *
 * @param size          long side of the output in pixels
 * @param iterations    optimiser iterations (over all scales when multi-scale)
 * @param contentWeight α
 * @param styleWeight   β
 * @param tvWeight      γ, total-variation smoothing
 * @param contentLayers paper names, e.g. conv4_2
 * @param styleLayers   paper names, e.g. relu1_1 … relu5_1
 * @param optimizer     L-BFGS (the paper's) or Adam
 * @param learningRate  step size; null means the optimiser's own default (L-BFGS 1, Adam 0.02)
 * @param init          where the image starts
 * @param initImage     the start image when {@code init == IMAGE}, else null
 * @param seed          makes noise init and everything random reproducible
 * @param preserveColors transfer luminance only and keep the content's chroma
 * @param multiScale    coarse-to-fine pyramid up to {@code size}
 * @param styleScale    style image size relative to the output
 * @param pooling       max (VGG's) or average pooling
 * @param outputFormat  PNG, JPEG, PNG16 or TIFF (16 bits per channel, sRGB)
 * @param mode          optimisation (the paper's) or one pass of a pre-trained feed-forward network
 * @param model         the registry name of that network when {@code mode == FAST}, else null
 * @param contentMask   optional grey image over the output: where it is white the content weight is raised by
 *                      {@code contentMaskWeight} (faces kept recognisable); null = uniform content weight
 * @param contentMaskWeight factor (&ge; 1) on the content weight where the content mask is white
 * @param colorTransfer NONE, LUMINANCE (same as {@code preserveColors}) or HISTOGRAM; see {@link #colorMode()}
 * @param styleLoss     GRAM (the paper's) or WASSERSTEIN
 * @param styleLayerWeights optional relative weight per style layer (keys among {@code styleLayers}, missing = 1);
 *                      null = all layers equal
 * @param emaDecay      averaged iterates: decay of the image's exponential moving average, returned as the result
 *                      when &gt; 0; 0 = off
 * @param precision     FP32, BF16 or AUTO; null = the worker's default ({@code ist.worker.precision})
 */
public record JobOptions(
        int size,
        int iterations,
        double contentWeight,
        double styleWeight,
        double tvWeight,
        List<String> contentLayers,
        List<String> styleLayers,
        Optimizer optimizer,
        Double learningRate,
        InitMode init,
        ImageRef initImage,
        long seed,
        boolean preserveColors,
        boolean multiScale,
        double styleScale,
        Pooling pooling,
        OutputFormat outputFormat,
        JobMode mode,
        String model,
        ImageRef contentMask,
        double contentMaskWeight,
        ColorTransfer colorTransfer,
        StyleLoss styleLoss,
        Map<String, Double> styleLayerWeights,
        double emaDecay,
        Precision precision) {

    /** Same as {@link OptionDefaults#CONTENT_LAYERS}. */
    public static final List<String> DEFAULT_CONTENT_LAYERS = OptionDefaults.CONTENT_LAYERS;
    /** Same as {@link OptionDefaults#STYLE_LAYERS}. */
    public static final List<String> DEFAULT_STYLE_LAYERS = OptionDefaults.STYLE_LAYERS;

    public JobOptions {
        // null-tolerant copies so JobValidator, not the constructor, reports a null layer name
        contentLayers = contentLayers == null ? null : Collections.unmodifiableList(new ArrayList<>(contentLayers));
        styleLayers = styleLayers == null ? null : Collections.unmodifiableList(new ArrayList<>(styleLayers));
        styleLayerWeights = styleLayerWeights == null ? null
                : Collections.unmodifiableMap(new LinkedHashMap<>(styleLayerWeights));
    }

    /**
     * The colour handling that applies: {@code preserveColors} is the old name of {@link ColorTransfer#LUMINANCE}
     * and wins over NONE; a request with both {@code preserveColors} and HISTOGRAM is refused by {@link JobValidator}.
     */
    public ColorTransfer colorMode() {
        if (preserveColors && (colorTransfer == null || colorTransfer == ColorTransfer.NONE)) {
            return ColorTransfer.LUMINANCE;
        }
        return colorTransfer == null ? ColorTransfer.NONE : colorTransfer;
    }

    /** The relative weight of one style layer (1 unless {@code styleLayerWeights} says otherwise). */
    public double styleLayerWeight(String layer) {
        if (styleLayerWeights == null) {
            return 1.0;
        }
        Double w = styleLayerWeights.get(layer);
        return w == null ? 1.0 : w;
    }

    public static JobOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .size(size).iterations(iterations).contentWeight(contentWeight).styleWeight(styleWeight)
                .tvWeight(tvWeight).contentLayers(contentLayers).styleLayers(styleLayers).optimizer(optimizer)
                .learningRate(learningRate).init(init).initImage(initImage).seed(seed)
                .preserveColors(preserveColors).multiScale(multiScale).styleScale(styleScale).pooling(pooling)
                .outputFormat(outputFormat).mode(mode).model(model).contentMask(contentMask)
                .contentMaskWeight(contentMaskWeight).colorTransfer(colorTransfer).styleLoss(styleLoss)
                .styleLayerWeights(styleLayerWeights).emaDecay(emaDecay).precision(precision);
    }

    /** Builder with the product defaults of {@link OptionDefaults}. */
    public static final class Builder {
        private int size = OptionDefaults.SIZE;
        private int iterations = OptionDefaults.ITERATIONS;
        private double contentWeight = OptionDefaults.CONTENT_WEIGHT;
        private double styleWeight = OptionDefaults.STYLE_WEIGHT;
        private double tvWeight = OptionDefaults.TV_WEIGHT;
        private List<String> contentLayers = OptionDefaults.CONTENT_LAYERS;
        private List<String> styleLayers = OptionDefaults.STYLE_LAYERS;
        private Optimizer optimizer = OptionDefaults.OPTIMIZER;
        private Double learningRate;
        private InitMode init = OptionDefaults.INIT;
        private ImageRef initImage;
        private long seed = OptionDefaults.SEED;
        private boolean preserveColors = OptionDefaults.PRESERVE_COLORS;
        private boolean multiScale = OptionDefaults.MULTI_SCALE;
        private double styleScale = OptionDefaults.STYLE_SCALE;
        private Pooling pooling = OptionDefaults.POOLING;
        private OutputFormat outputFormat = OptionDefaults.OUTPUT_FORMAT;
        private JobMode mode = OptionDefaults.MODE;
        private String model;
        private ImageRef contentMask;
        private double contentMaskWeight = OptionDefaults.CONTENT_MASK_WEIGHT;
        private ColorTransfer colorTransfer = OptionDefaults.COLOR_TRANSFER;
        private StyleLoss styleLoss = OptionDefaults.STYLE_LOSS;
        private Map<String, Double> styleLayerWeights;
        private double emaDecay = OptionDefaults.EMA_DECAY;
        private Precision precision;

        public Builder size(int v) { size = v; return this; }
        public Builder iterations(int v) { iterations = v; return this; }
        public Builder contentWeight(double v) { contentWeight = v; return this; }
        public Builder styleWeight(double v) { styleWeight = v; return this; }
        public Builder tvWeight(double v) { tvWeight = v; return this; }
        public Builder contentLayers(List<String> v) { contentLayers = v; return this; }
        public Builder styleLayers(List<String> v) { styleLayers = v; return this; }
        public Builder optimizer(Optimizer v) { optimizer = v; return this; }
        public Builder learningRate(double v) { learningRate = v; return this; }
        /** null: the optimiser's own default. */
        public Builder learningRate(Double v) { learningRate = v; return this; }
        public Builder init(InitMode v) { init = v; return this; }
        public Builder initImage(ImageRef v) { initImage = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder preserveColors(boolean v) { preserveColors = v; return this; }
        public Builder multiScale(boolean v) { multiScale = v; return this; }
        public Builder styleScale(double v) { styleScale = v; return this; }
        public Builder pooling(Pooling v) { pooling = v; return this; }
        public Builder outputFormat(OutputFormat v) { outputFormat = v; return this; }
        public Builder mode(JobMode v) { mode = v; return this; }
        public Builder model(String v) { model = v; return this; }
        public Builder contentMask(ImageRef v) { contentMask = v; return this; }
        public Builder contentMaskWeight(double v) { contentMaskWeight = v; return this; }
        public Builder colorTransfer(ColorTransfer v) { colorTransfer = v; return this; }
        public Builder styleLoss(StyleLoss v) { styleLoss = v; return this; }
        public Builder styleLayerWeights(Map<String, Double> v) { styleLayerWeights = v; return this; }
        public Builder emaDecay(double v) { emaDecay = v; return this; }
        /** null: the worker's default. */
        public Builder precision(Precision v) { precision = v; return this; }

        public JobOptions build() {
            return new JobOptions(size, iterations, contentWeight, styleWeight, tvWeight, contentLayers, styleLayers,
                    optimizer, learningRate, init, initImage, seed, preserveColors, multiScale, styleScale, pooling,
                    outputFormat, mode, model, contentMask, contentMaskWeight, colorTransfer, styleLoss,
                    styleLayerWeights, emaDecay, precision);
        }
    }
}
