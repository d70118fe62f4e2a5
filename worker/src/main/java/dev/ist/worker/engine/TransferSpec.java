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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one transfer needs besides the network: the images, the user's {@link JobOptions} (the API's model, so
 * the worker, the CLI and the tests describe a run the same way) and the machine's {@link EngineTuning}. Build it
 * with {@link #builder()}; {@code build()} checks what this engine can physically run and throws
 * {@link InvalidSpecException} with a one-line reason (the API's rules are {@code JobValidator}'s, applied before).
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
    private final BufferedImage initImage;
    private final BufferedImage contentMask;
    /** The user's options; colours folded into {@code colorTransfer}, image refs unused (the images are above). */
    private final JobOptions options;
    /** One weight per entry of the style layers (the engine's loops index them). */
    private final List<Double> styleLayerWeights;
    private final EngineTuning tuning;
    private final EngineState resumeFrom;
    private final List<StyleTargets> styleTargets;

    private TransferSpec(Builder b, JobOptions options, EngineTuning tuning) {
        this.content = b.content;
        this.styles = List.copyOf(b.styles);
        this.initImage = b.initImage;
        this.contentMask = b.contentMask;
        this.options = options;
        this.styleLayerWeights = b.styleLayerWeights == null
                ? Collections.nCopies(options.styleLayers().size(), 1.0)
                : List.copyOf(b.styleLayerWeights);
        this.tuning = tuning;
        this.resumeFrom = b.resumeFrom;
        this.styleTargets = List.copyOf(b.styleTargets);
    }

    public static Builder builder() {
        return new Builder();
    }

    public BufferedImage content() { return content; }
    public List<StyleImage> styles() { return styles; }
    /** The user's options (colour handling folded into {@link JobOptions#colorTransfer()}). */
    public JobOptions options() { return options; }
    /** This machine's settings for the run. */
    public EngineTuning tuning() { return tuning; }
    /** Long side of the output in pixels. */
    public int size() { return options.size(); }
    public int iterations() { return options.iterations(); }
    public double contentWeight() { return options.contentWeight(); }
    public double styleWeight() { return options.styleWeight(); }
    public double tvWeight() { return options.tvWeight(); }
    public List<String> contentLayers() { return options.contentLayers(); }
    public List<String> styleLayers() { return options.styleLayers(); }
    public List<Double> styleLayerWeights() { return styleLayerWeights; }
    public Optimizer optimizer() { return options.optimizer(); }
    /** The step size asked for, else the optimiser's default (1.0 for L-BFGS, 0.02 for Adam on [0,1] pixels). */
    public double learningRate() {
        return options.learningRate() == null ? OptionDefaults.learningRate(options.optimizer())
                : options.learningRate();
    }
    public int lbfgsHistory() { return tuning.lbfgsHistory(); }
    public boolean strongWolfe() { return tuning.strongWolfe(); }
    public double toleranceGrad() { return tuning.toleranceGrad(); }
    public double toleranceChange() { return tuning.toleranceChange(); }
    public InitMode init() { return options.init(); }
    public BufferedImage initImage() { return initImage; }
    public long seed() { return options.seed(); }
    /** Luminance-only transfer: {@link #colorTransfer()} is LUMINANCE. */
    public boolean preserveColors() { return colorTransfer() == ColorTransfer.LUMINANCE; }
    /** NONE, LUMINANCE (optimise luminance, keep the content's chroma) or HISTOGRAM (styles recoloured first). */
    public ColorTransfer colorTransfer() { return options.colorTransfer(); }
    /** Grey image over the output: where white, the content weight is raised by {@link #contentMaskWeight()}. */
    public BufferedImage contentMask() { return contentMask; }
    public double contentMaskWeight() { return options.contentMaskWeight(); }
    public StyleLoss styleLoss() { return options.styleLoss(); }
    /** Decay of the image's exponential moving average, returned as the result when &gt; 0; 0 = off. */
    public double emaDecay() { return options.emaDecay(); }
    /** Guided Gram matrices, one region per style: at least one style carries an output mask. */
    public boolean regionMode() {
        for (StyleImage s : styles) {
            if (s.mask() != null) {
                return true;
            }
        }
        return false;
    }
    public boolean multiScale() { return options.multiScale(); }
    /** Long side of the coarsest scale of the multi-scale pyramid. */
    public int minScaleLongSide() { return tuning.minScaleLongSide(); }
    /** Style images are resized to {@code styleScale * output long side}. */
    public double styleScale() { return options.styleScale(); }
    public Pooling pooling() { return options.pooling(); }
    public boolean keepBest() { return tuning.keepBest(); }
    public Optional<EngineState> resumeFrom() { return Optional.ofNullable(resumeFrom); }
    /** Precomputed Gram targets; the engine uses the ones whose key matches a scale it runs. */
    public List<StyleTargets> styleTargets() { return styleTargets; }
    /** Tile core side in pixels; {@link #TILE_AUTO} (0) = from the engine's memory budget. */
    public int tileSize() { return tuning.tileSize(); }
    /** Tile halo in pixels (rounded up to the pooling grid). */
    public int tileHalo() { return tuning.tileHalo(); }
    /** The network's arithmetic asked for; null = the engine's default (the worker's ist.worker.precision). */
    public Precision precision() { return options.precision(); }

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
        b.initImage = initImage;
        b.contentMask = contentMask;
        b.options = options.toBuilder();
        b.colorTransfer = options.colorTransfer();
        // null when the options had none, so a copy's options equal the original's
        b.styleLayerWeights = options.styleLayerWeights() == null ? null : new ArrayList<>(styleLayerWeights);
        b.tuning(tuning);
        b.resumeFrom = resumeFrom;
        b.styleTargets = new ArrayList<>(styleTargets);
        return b;
    }

    /**
     * The user's options go to a {@link JobOptions.Builder} (the setters below are shorthands for engine tests and
     * benches); the engine-only settings become an {@link EngineTuning}.
     */
    public static final class Builder {
        private BufferedImage content;
        private List<StyleImage> styles = new ArrayList<>();
        private BufferedImage initImage;
        private BufferedImage contentMask;
        private JobOptions.Builder options = JobOptions.builder();
        // kept apart from the options until build(): the old flag and the mode may contradict each other
        private boolean preserveColors = OptionDefaults.PRESERVE_COLORS;
        private ColorTransfer colorTransfer = OptionDefaults.COLOR_TRANSFER;
        private List<Double> styleLayerWeights;
        private int lbfgsHistory = DEFAULT_LBFGS_HISTORY;
        private boolean strongWolfe;
        private double toleranceGrad = 1e-7;
        private double toleranceChange = 1e-9;
        private int minScaleLongSide = 128;
        private boolean keepBest;
        private int tileSize = TILE_AUTO;
        private int tileHalo = DEFAULT_TILE_HALO;
        private EngineState resumeFrom;
        private List<StyleTargets> styleTargets = new ArrayList<>();

        private Builder() {
        }

        /**
         * Every option a job request carries (the API's model is the engine's: same enums, same defaults). The
         * images come separately; with {@code init == IMAGE} give {@link #initImage} too.
         */
        public Builder options(JobOptions o) {
            // the image refs name stored objects; the engine gets the decoded images through the setters below
            this.options = o.toBuilder().initImage(null).contentMask(null).preserveColors(false)
                    .styleLoss(o.styleLoss() == null ? OptionDefaults.STYLE_LOSS : o.styleLoss());
            this.preserveColors = false; // folded into colorMode()
            this.colorTransfer = o.colorMode();
            this.styleLayerWeights = null;
            if (o.styleLayerWeights() != null && o.styleLayers() != null) {
                List<Double> perLayer = new ArrayList<>();
                for (String layer : o.styleLayers()) {
                    perLayer.add(o.styleLayerWeight(layer));
                }
                styleLayerWeights(perLayer);
            }
            return this;
        }

        /** All engine-only settings at once. */
        public Builder tuning(EngineTuning t) {
            return lbfgsHistory(t.lbfgsHistory()).strongWolfe(t.strongWolfe()).toleranceGrad(t.toleranceGrad())
                    .toleranceChange(t.toleranceChange()).minScaleLongSide(t.minScaleLongSide()).keepBest(t.keepBest())
                    .tileSize(t.tileSize()).tileHalo(t.tileHalo());
        }

        public Builder content(BufferedImage content) { this.content = content; return this; }
        public Builder style(BufferedImage style) { return style(style, 1.0); }
        public Builder style(BufferedImage style, double weight) {
            this.styles.add(new StyleImage(style, weight));
            return this;
        }
        public Builder styles(List<StyleImage> styles) { this.styles = new ArrayList<>(styles); return this; }
        public Builder size(int longSide) { options.size(longSide); return this; }
        public Builder iterations(int iterations) { options.iterations(iterations); return this; }
        public Builder contentWeight(double w) { options.contentWeight(w); return this; }
        public Builder styleWeight(double w) { options.styleWeight(w); return this; }
        public Builder tvWeight(double w) { options.tvWeight(w); return this; }
        public Builder contentLayers(List<String> layers) { options.contentLayers(layers); return this; }
        public Builder styleLayers(List<String> layers) { options.styleLayers(layers); return this; }
        /** Per style layer weights, same order as the style layers; null = all 1. */
        public Builder styleLayerWeights(List<Double> weights) {
            this.styleLayerWeights = weights == null ? null : new ArrayList<>(weights);
            return this;
        }
        public Builder optimizer(Optimizer optimizer) { options.optimizer(optimizer); return this; }
        /** NaN = the optimiser's default (1.0 for L-BFGS, 0.02 for Adam on [0,1] pixels). */
        public Builder learningRate(double lr) {
            options.learningRate(Double.isNaN(lr) ? null : Double.valueOf(lr));
            return this;
        }
        public Builder lbfgsHistory(int history) { this.lbfgsHistory = history; return this; }
        public Builder tileSize(int px) { this.tileSize = px; return this; }
        public Builder tileHalo(int px) { this.tileHalo = px; return this; }
        public Builder strongWolfe(boolean on) { this.strongWolfe = on; return this; }
        public Builder toleranceGrad(double tol) { this.toleranceGrad = tol; return this; }
        public Builder toleranceChange(double tol) { this.toleranceChange = tol; return this; }
        public Builder init(InitMode init) { options.init(init); return this; }
        /** Starts from this image ({@code init = IMAGE}); null changes nothing. */
        public Builder initImage(BufferedImage image) {
            if (image != null) {
                this.initImage = image;
                options.init(InitMode.IMAGE);
            }
            return this;
        }
        public Builder seed(long seed) { options.seed(seed); return this; }
        /** The old name of {@code colorTransfer(LUMINANCE)}; true wins over the colour transfer set. */
        public Builder preserveColors(boolean on) { this.preserveColors = on; return this; }
        public Builder colorTransfer(ColorTransfer mode) { this.colorTransfer = mode; return this; }
        public Builder contentMask(BufferedImage mask) { this.contentMask = mask; return this; }
        public Builder contentMaskWeight(double k) { options.contentMaskWeight(k); return this; }
        public Builder styleLoss(StyleLoss loss) { options.styleLoss(loss); return this; }
        public Builder emaDecay(double decay) { options.emaDecay(decay); return this; }
        public Builder multiScale(boolean on) { options.multiScale(on); return this; }
        public Builder minScaleLongSide(int px) { this.minScaleLongSide = px; return this; }
        public Builder styleScale(double scale) { options.styleScale(scale); return this; }
        public Builder pooling(Pooling pooling) { options.pooling(pooling); return this; }
        public Builder keepBest(boolean on) { this.keepBest = on; return this; }
        /** FP32, BF16 or AUTO; null = the engine's default. */
        public Builder precision(Precision p) { options.precision(p); return this; }
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
            if (preserveColors && colorTransfer == ColorTransfer.HISTOGRAM) {
                throw new InvalidSpecException("preserve colours (LUMINANCE) and HISTOGRAM colour transfer exclude"
                        + " each other");
            }
            Objects.requireNonNull(colorTransfer, "colorTransfer");
            JobOptions o = options.colorTransfer(preserveColors ? ColorTransfer.LUMINANCE : colorTransfer).build();
            check(o);
            if (styleLayerWeights != null) {
                if (styleLayerWeights.size() != o.styleLayers().size()) {
                    throw new InvalidSpecException("got " + styleLayerWeights.size() + " style layer weights for "
                            + o.styleLayers().size() + " style layers");
                }
                for (Double w : styleLayerWeights) {
                    requireWeight("style layer weight", w == null ? Double.NaN : w);
                }
                if (!sameWeights(o, styleLayerWeights)) { // a job's own map stays as it came
                    o = o.toBuilder().styleLayerWeights(byLayer(o.styleLayers(), styleLayerWeights)).build();
                }
            }
            EngineTuning tuning = new EngineTuning(lbfgsHistory, strongWolfe, toleranceGrad, toleranceChange,
                    minScaleLongSide, keepBest, tileSize, tileHalo);
            tuning.check();
            if (o.init() == InitMode.IMAGE && initImage == null) {
                throw new InvalidSpecException("init IMAGE needs an init image");
            }
            return new TransferSpec(this, o, tuning);
        }

        /** What this engine can run: physical bounds (not the API's limits, which are configuration). */
        private static void check(JobOptions o) {
            if (o.size() < 16) {
                throw new InvalidSpecException("size must be at least 16 pixels, got " + o.size());
            }
            if (o.iterations() < 0) {
                throw new InvalidSpecException("iterations must be >= 0, got " + o.iterations());
            }
            requireWeight("content weight", o.contentWeight());
            requireWeight("style weight", o.styleWeight());
            requireWeight("tv weight", o.tvWeight());
            checkLayers("content", o.contentLayers());
            checkLayers("style", o.styleLayers());
            Objects.requireNonNull(o.optimizer(), "optimizer");
            Objects.requireNonNull(o.init(), "init");
            Objects.requireNonNull(o.pooling(), "pooling");
            Objects.requireNonNull(o.styleLoss(), "styleLoss");
            if (!(o.contentMaskWeight() >= 1) || Double.isInfinite(o.contentMaskWeight())) {
                throw new InvalidSpecException("content mask weight must be a finite number >= 1, got "
                        + o.contentMaskWeight());
            }
            if (!(o.emaDecay() >= 0 && o.emaDecay() < 1)) {
                throw new InvalidSpecException("EMA decay must be in [0, 1), got " + o.emaDecay());
            }
            Double lr = o.learningRate();
            if (lr != null && !(lr > 0 && Double.isFinite(lr))) {
                throw new InvalidSpecException("learning rate must be > 0, got " + lr);
            }
            if (!(o.styleScale() > 0 && o.styleScale() <= 8)) {
                throw new InvalidSpecException("style scale must be in (0, 8], got " + o.styleScale());
            }
        }

        private static boolean sameWeights(JobOptions o, List<Double> perLayer) {
            if (o.styleLayerWeights() == null) {
                return false;
            }
            for (int i = 0; i < perLayer.size(); i++) {
                if (!perLayer.get(i).equals(o.styleLayerWeight(o.styleLayers().get(i)))) {
                    return false;
                }
            }
            return true;
        }

        /** The per-layer list as the API's map (a layer listed twice keeps its last weight there). */
        private static Map<String, Double> byLayer(List<String> layers, List<Double> weights) {
            Map<String, Double> m = new LinkedHashMap<>();
            for (int i = 0; i < layers.size(); i++) {
                m.put(layers.get(i), weights.get(i));
            }
            return m;
        }

        private static void requireWeight(String what, double w) {
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new InvalidSpecException(what + " must be a finite number >= 0, got " + w);
            }
        }

        private static void checkLayers(String what, List<String> layers) {
            if (layers == null || layers.isEmpty()) {
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
