package dev.ist.worker.engine;

import dev.ist.common.job.ColorTransfer;
import dev.ist.common.job.InitMode;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.Optimizer;
import dev.ist.common.job.OptionDefaults;
import dev.ist.common.job.Pooling;
import dev.ist.common.job.Precision;
import dev.ist.common.job.StyleLoss;
import dev.ist.common.job.VggLayerNames;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one transfer needs besides the network. Build it with {@link #builder()}; {@code build()}
 * validates every option and throws {@link InvalidSpecException} with a one-line reason.
 */
public final class TransferSpec {
    /** L-BFGS history size: an engine setting the API does not expose (the CLI's --history). */
    public static final int DEFAULT_LBFGS_HISTORY = 20;
    /**
     * Halo of a tile in pixels, chosen from the measured error against the untiled objective (random VGG19, 512 px,
     * 2x2 tiles, all five style layers): 32 px → 3.6e-4 relative loss error, 64 px → 1.2e-6 and gradient cosine
     * 0.999994, 96 px (the receptive field of relu5_1) → float precision. 64 is exact to far below the tests' 1e-4.
     */
    public static final int DEFAULT_TILE_HALO = 64;
    /** {@link #tileSize()} value: choose from the engine's memory budget (untiled when the whole level fits). */
    public static final int TILE_AUTO = 0;

    private final BufferedImage content;
    private final List<StyleImage> styles;
    private final int size;
    private final int iterations;
    private final double contentWeight;
    private final double styleWeight;
    private final double tvWeight;
    private final List<String> contentLayers;
    private final List<String> styleLayers;
    private final List<Double> styleLayerWeights;
    private final Optimizer optimizer;
    private final double learningRate;
    private final int lbfgsHistory;
    private final boolean strongWolfe;
    private final double toleranceGrad;
    private final double toleranceChange;
    private final InitMode init;
    private final BufferedImage initImage;
    private final long seed;
    private final boolean multiScale;
    private final int minScaleLongSide;
    private final double styleScale;
    private final Pooling pooling;
    private final boolean keepBest;
    private final EngineState resumeFrom;
    private final List<StyleTargets> styleTargets;
    private final int tileSize;
    private final int tileHalo;
    private final Precision precision;
    private final BufferedImage contentMask;
    private final double contentMaskWeight;
    private final ColorTransfer colorTransfer;
    private final StyleLoss styleLoss;
    private final double emaDecay;

    private TransferSpec(Builder b) {
        this.content = b.content;
        this.styles = List.copyOf(b.styles);
        this.size = b.size;
        this.iterations = b.iterations;
        this.contentWeight = b.contentWeight;
        this.styleWeight = b.styleWeight;
        this.tvWeight = b.tvWeight;
        this.contentLayers = List.copyOf(b.contentLayers);
        this.styleLayers = List.copyOf(b.styleLayers);
        this.styleLayerWeights = b.styleLayerWeights == null
                ? Collections.nCopies(b.styleLayers.size(), 1.0)
                : List.copyOf(b.styleLayerWeights);
        this.optimizer = b.optimizer;
        this.learningRate = Double.isNaN(b.learningRate)
                ? OptionDefaults.learningRate(b.optimizer) : b.learningRate;
        this.lbfgsHistory = b.lbfgsHistory;
        this.strongWolfe = b.strongWolfe;
        this.toleranceGrad = b.toleranceGrad;
        this.toleranceChange = b.toleranceChange;
        this.init = b.init;
        this.initImage = b.initImage;
        this.seed = b.seed;
        this.colorTransfer = b.preserveColors ? ColorTransfer.LUMINANCE : b.colorTransfer;
        this.contentMask = b.contentMask;
        this.contentMaskWeight = b.contentMaskWeight;
        this.styleLoss = b.styleLoss;
        this.emaDecay = b.emaDecay;
        this.multiScale = b.multiScale;
        this.minScaleLongSide = b.minScaleLongSide;
        this.styleScale = b.styleScale;
        this.pooling = b.pooling;
        this.keepBest = b.keepBest;
        this.resumeFrom = b.resumeFrom;
        this.styleTargets = List.copyOf(b.styleTargets);
        this.tileSize = b.tileSize;
        this.tileHalo = b.tileHalo;
        this.precision = b.precision;
    }

    public static Builder builder() {
        return new Builder();
    }

    public BufferedImage content() { return content; }
    public List<StyleImage> styles() { return styles; }
    /** Long side of the output in pixels. */
    public int size() { return size; }
    public int iterations() { return iterations; }
    public double contentWeight() { return contentWeight; }
    public double styleWeight() { return styleWeight; }
    public double tvWeight() { return tvWeight; }
    public List<String> contentLayers() { return contentLayers; }
    public List<String> styleLayers() { return styleLayers; }
    public List<Double> styleLayerWeights() { return styleLayerWeights; }
    public Optimizer optimizer() { return optimizer; }
    public double learningRate() { return learningRate; }
    public int lbfgsHistory() { return lbfgsHistory; }
    public boolean strongWolfe() { return strongWolfe; }
    public double toleranceGrad() { return toleranceGrad; }
    public double toleranceChange() { return toleranceChange; }
    public InitMode init() { return init; }
    public BufferedImage initImage() { return initImage; }
    public long seed() { return seed; }
    /** Luminance-only transfer: {@link #colorTransfer()} is LUMINANCE. */
    public boolean preserveColors() { return colorTransfer == ColorTransfer.LUMINANCE; }
    /** NONE, LUMINANCE (optimise luminance, keep the content's chroma) or HISTOGRAM (styles recoloured first). */
    public ColorTransfer colorTransfer() { return colorTransfer; }
    /** Grey image over the output: where white, the content weight is raised by {@link #contentMaskWeight()}. */
    public BufferedImage contentMask() { return contentMask; }
    public double contentMaskWeight() { return contentMaskWeight; }
    public StyleLoss styleLoss() { return styleLoss; }
    /** Decay of the image's exponential moving average, returned as the result when &gt; 0; 0 = off. */
    public double emaDecay() { return emaDecay; }
    /** Guided Gram matrices, one region per style: at least one style carries an output mask. */
    public boolean regionMode() {
        for (StyleImage s : styles) {
            if (s.mask() != null) {
                return true;
            }
        }
        return false;
    }
    public boolean multiScale() { return multiScale; }
    /** Long side of the coarsest scale of the multi-scale pyramid. */
    public int minScaleLongSide() { return minScaleLongSide; }
    /** Style images are resized to {@code styleScale * output long side}. */
    public double styleScale() { return styleScale; }
    public Pooling pooling() { return pooling; }
    public boolean keepBest() { return keepBest; }
    public Optional<EngineState> resumeFrom() { return Optional.ofNullable(resumeFrom); }
    /** Precomputed Gram targets; the engine uses the ones whose key matches a scale it runs. */
    public List<StyleTargets> styleTargets() { return styleTargets; }
    /** Tile core side in pixels; {@link #TILE_AUTO} (0) = from the engine's memory budget. */
    public int tileSize() { return tileSize; }
    /** Tile halo in pixels (rounded up to the pooling grid). */
    public int tileHalo() { return tileHalo; }
    /** The network's arithmetic asked for; null = the engine's default (the worker's ist.worker.precision). */
    public Precision precision() { return precision; }

    /** A copy of this spec with other precomputed targets (the rest unchanged). */
    public TransferSpec withStyleTargets(List<StyleTargets> targets) {
        return toBuilder().styleTargets(targets).build();
    }

    public TransferSpec withResumeFrom(EngineState state) {
        return toBuilder().resumeFrom(state).build();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.content = content;
        b.styles = new ArrayList<>(styles);
        b.size = size;
        b.iterations = iterations;
        b.contentWeight = contentWeight;
        b.styleWeight = styleWeight;
        b.tvWeight = tvWeight;
        b.contentLayers = new ArrayList<>(contentLayers);
        b.styleLayers = new ArrayList<>(styleLayers);
        b.styleLayerWeights = new ArrayList<>(styleLayerWeights);
        b.optimizer = optimizer;
        b.learningRate = learningRate;
        b.lbfgsHistory = lbfgsHistory;
        b.tileSize = tileSize;
        b.tileHalo = tileHalo;
        b.strongWolfe = strongWolfe;
        b.toleranceGrad = toleranceGrad;
        b.toleranceChange = toleranceChange;
        b.init = init;
        b.initImage = initImage;
        b.seed = seed;
        b.preserveColors = false; // folded into colorTransfer
        b.colorTransfer = colorTransfer;
        b.contentMask = contentMask;
        b.contentMaskWeight = contentMaskWeight;
        b.styleLoss = styleLoss;
        b.emaDecay = emaDecay;
        b.multiScale = multiScale;
        b.minScaleLongSide = minScaleLongSide;
        b.styleScale = styleScale;
        b.pooling = pooling;
        b.keepBest = keepBest;
        b.resumeFrom = resumeFrom;
        b.styleTargets = new ArrayList<>(styleTargets);
        b.precision = precision;
        return b;
    }

    public static final class Builder {
        private BufferedImage content;
        private List<StyleImage> styles = new ArrayList<>();
        private int size = OptionDefaults.SIZE;
        private int iterations = OptionDefaults.ITERATIONS;
        private double contentWeight = OptionDefaults.CONTENT_WEIGHT;
        private double styleWeight = OptionDefaults.STYLE_WEIGHT;
        private double tvWeight = OptionDefaults.TV_WEIGHT;
        private List<String> contentLayers = new ArrayList<>(OptionDefaults.CONTENT_LAYERS);
        private List<String> styleLayers = new ArrayList<>(OptionDefaults.STYLE_LAYERS);
        private List<Double> styleLayerWeights;
        private Optimizer optimizer = OptionDefaults.OPTIMIZER;
        private double learningRate = Double.NaN;
        private int lbfgsHistory = DEFAULT_LBFGS_HISTORY;
        private int tileSize = TILE_AUTO;
        private int tileHalo = DEFAULT_TILE_HALO;
        private boolean strongWolfe = false;
        private double toleranceGrad = 1e-7;
        private double toleranceChange = 1e-9;
        private InitMode init = OptionDefaults.INIT;
        private BufferedImage initImage;
        private long seed = OptionDefaults.SEED;
        private boolean preserveColors = OptionDefaults.PRESERVE_COLORS;
        private boolean multiScale = OptionDefaults.MULTI_SCALE;
        private int minScaleLongSide = 128;
        private double styleScale = OptionDefaults.STYLE_SCALE;
        private Pooling pooling = OptionDefaults.POOLING;
        private boolean keepBest;
        private EngineState resumeFrom;
        private List<StyleTargets> styleTargets = new ArrayList<>();
        private Precision precision;
        private ColorTransfer colorTransfer = OptionDefaults.COLOR_TRANSFER;
        private BufferedImage contentMask;
        private double contentMaskWeight = OptionDefaults.CONTENT_MASK_WEIGHT;
        private StyleLoss styleLoss = OptionDefaults.STYLE_LOSS;
        private double emaDecay = OptionDefaults.EMA_DECAY;

        private Builder() {
        }

        /**
         * Every option a job request carries (the API's model is the engine's: same enums, same defaults). The
         * images come separately; with {@code init == IMAGE} give {@link #initImage} too.
         */
        public Builder options(JobOptions o) {
            size(o.size()).iterations(o.iterations())
                    .contentWeight(o.contentWeight()).styleWeight(o.styleWeight()).tvWeight(o.tvWeight())
                    .contentLayers(o.contentLayers()).styleLayers(o.styleLayers())
                    .optimizer(o.optimizer()).learningRate(o.learningRate() == null ? Double.NaN : o.learningRate())
                    .seed(o.seed()).multiScale(o.multiScale())
                    .styleScale(o.styleScale()).pooling(o.pooling())
                    .colorTransfer(o.colorMode()).contentMaskWeight(o.contentMaskWeight())
                    .styleLoss(o.styleLoss() == null ? OptionDefaults.STYLE_LOSS : o.styleLoss())
                    .emaDecay(o.emaDecay()).precision(o.precision());
            this.preserveColors = false; // folded into colorMode()
            if (o.styleLayerWeights() != null && o.styleLayers() != null) {
                List<Double> perLayer = new ArrayList<>();
                for (String layer : o.styleLayers()) {
                    perLayer.add(o.styleLayerWeight(layer));
                }
                styleLayerWeights(perLayer);
            }
            this.init = o.init();
            return this;
        }

        public Builder content(BufferedImage content) { this.content = content; return this; }
        public Builder style(BufferedImage style) { return style(style, 1.0); }
        public Builder style(BufferedImage style, double weight) {
            this.styles.add(new StyleImage(style, weight));
            return this;
        }
        public Builder styles(List<StyleImage> styles) { this.styles = new ArrayList<>(styles); return this; }
        public Builder size(int longSide) { this.size = longSide; return this; }
        public Builder iterations(int iterations) { this.iterations = iterations; return this; }
        public Builder contentWeight(double w) { this.contentWeight = w; return this; }
        public Builder styleWeight(double w) { this.styleWeight = w; return this; }
        public Builder tvWeight(double w) { this.tvWeight = w; return this; }
        public Builder contentLayers(List<String> layers) { this.contentLayers = new ArrayList<>(layers); return this; }
        public Builder styleLayers(List<String> layers) { this.styleLayers = new ArrayList<>(layers); return this; }
        /** Per style layer weights, same order as the style layers; null = all 1. */
        public Builder styleLayerWeights(List<Double> weights) {
            this.styleLayerWeights = weights == null ? null : new ArrayList<>(weights);
            return this;
        }
        public Builder optimizer(Optimizer optimizer) { this.optimizer = optimizer; return this; }
        /** NaN = the optimiser's default (1.0 for L-BFGS, 0.02 for Adam on [0,1] pixels). */
        public Builder learningRate(double lr) { this.learningRate = lr; return this; }
        public Builder lbfgsHistory(int history) { this.lbfgsHistory = history; return this; }
        public Builder tileSize(int px) { this.tileSize = px; return this; }
        public Builder tileHalo(int px) { this.tileHalo = px; return this; }
        public Builder strongWolfe(boolean on) { this.strongWolfe = on; return this; }
        public Builder toleranceGrad(double tol) { this.toleranceGrad = tol; return this; }
        public Builder toleranceChange(double tol) { this.toleranceChange = tol; return this; }
        public Builder init(InitMode init) { this.init = init; return this; }
        /** Starts from this image ({@code init = IMAGE}); null changes nothing. */
        public Builder initImage(BufferedImage image) {
            if (image != null) {
                this.initImage = image;
                this.init = InitMode.IMAGE;
            }
            return this;
        }
        public Builder seed(long seed) { this.seed = seed; return this; }
        /** The old name of {@code colorTransfer(LUMINANCE)}; true wins over the colour transfer set. */
        public Builder preserveColors(boolean on) { this.preserveColors = on; return this; }
        public Builder colorTransfer(ColorTransfer mode) { this.colorTransfer = mode; return this; }
        public Builder contentMask(BufferedImage mask) { this.contentMask = mask; return this; }
        public Builder contentMaskWeight(double k) { this.contentMaskWeight = k; return this; }
        public Builder styleLoss(StyleLoss loss) { this.styleLoss = loss; return this; }
        public Builder emaDecay(double decay) { this.emaDecay = decay; return this; }
        public Builder multiScale(boolean on) { this.multiScale = on; return this; }
        public Builder minScaleLongSide(int px) { this.minScaleLongSide = px; return this; }
        public Builder styleScale(double scale) { this.styleScale = scale; return this; }
        public Builder pooling(Pooling pooling) { this.pooling = pooling; return this; }
        public Builder keepBest(boolean on) { this.keepBest = on; return this; }
        /** FP32, BF16 or AUTO; null = the engine's default. */
        public Builder precision(Precision p) { this.precision = p; return this; }
        public Builder resumeFrom(EngineState state) { this.resumeFrom = state; return this; }
        public Builder styleTargets(List<StyleTargets> targets) {
            this.styleTargets = targets == null ? new ArrayList<>() : new ArrayList<>(targets);
            return this;
        }

        public TransferSpec build() {
            if (content == null) {
                throw new InvalidSpecException("a content image is required");
            }
            if (styles.isEmpty()) {
                throw new InvalidSpecException("at least one style image is required");
            }
            double blend = 0;
            for (StyleImage s : styles) {
                blend += s.weight();
            }
            if (!(blend > 0)) {
                throw new InvalidSpecException("style blend weights must not all be zero");
            }
            if (size < 16) {
                throw new InvalidSpecException("size must be at least 16 pixels, got " + size);
            }
            if (iterations < 0) {
                throw new InvalidSpecException("iterations must be >= 0, got " + iterations);
            }
            requireWeight("content weight", contentWeight);
            requireWeight("style weight", styleWeight);
            requireWeight("tv weight", tvWeight);
            checkLayers("content", contentLayers);
            checkLayers("style", styleLayers);
            if (styleLayerWeights != null) {
                if (styleLayerWeights.size() != styleLayers.size()) {
                    throw new InvalidSpecException("got " + styleLayerWeights.size() + " style layer weights for "
                            + styleLayers.size() + " style layers");
                }
                for (Double w : styleLayerWeights) {
                    requireWeight("style layer weight", w == null ? Double.NaN : w);
                }
            }
            Objects.requireNonNull(optimizer, "optimizer");
            Objects.requireNonNull(init, "init");
            Objects.requireNonNull(pooling, "pooling");
            Objects.requireNonNull(colorTransfer, "colorTransfer");
            Objects.requireNonNull(styleLoss, "styleLoss");
            if (preserveColors && colorTransfer == ColorTransfer.HISTOGRAM) {
                throw new InvalidSpecException("preserve colours (LUMINANCE) and HISTOGRAM colour transfer exclude"
                        + " each other");
            }
            if (!(contentMaskWeight >= 1) || Double.isInfinite(contentMaskWeight)) {
                throw new InvalidSpecException("content mask weight must be a finite number >= 1, got "
                        + contentMaskWeight);
            }
            if (!(emaDecay >= 0 && emaDecay < 1)) {
                throw new InvalidSpecException("EMA decay must be in [0, 1), got " + emaDecay);
            }
            if (!Double.isNaN(learningRate) && !(learningRate > 0 && Double.isFinite(learningRate))) {
                throw new InvalidSpecException("learning rate must be > 0, got " + learningRate);
            }
            if (lbfgsHistory < 1) {
                throw new InvalidSpecException("L-BFGS history size must be >= 1, got " + lbfgsHistory);
            }
            if (tileSize != TILE_AUTO && tileSize < 64) {
                throw new InvalidSpecException("tile size must be 0 (automatic) or >= 64 pixels, got " + tileSize);
            }
            if (tileHalo < 0 || tileHalo > 512) {
                throw new InvalidSpecException("tile halo must be in [0, 512] pixels, got " + tileHalo);
            }
            if (init == InitMode.IMAGE && initImage == null) {
                throw new InvalidSpecException("init IMAGE needs an init image");
            }
            if (!(styleScale > 0 && styleScale <= 8)) {
                throw new InvalidSpecException("style scale must be in (0, 8], got " + styleScale);
            }
            if (minScaleLongSide < 16) {
                throw new InvalidSpecException("multi-scale minimum size must be >= 16, got " + minScaleLongSide);
            }
            return new TransferSpec(this);
        }

        private static void requireWeight(String what, double w) {
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new InvalidSpecException(what + " must be a finite number >= 0, got " + w);
            }
        }

        private static void checkLayers(String what, List<String> layers) {
            if (layers.isEmpty()) {
                throw new InvalidSpecException("at least one " + what + " layer is required");
            }
            for (String layer : layers) {
                if (VggLayerNames.featureIndex(layer) < 0) {
                    throw new InvalidSpecException("unknown " + what + " layer '" + layer
                            + "' (use VGG19 names such as conv4_2 or relu3_1)");
                }
            }
        }
    }
}
