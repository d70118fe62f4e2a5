package dev.ist.worker.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.ist.common.capacity.Estimate;
import dev.ist.common.capacity.JobShape;
import dev.ist.common.capacity.HeapModel;
import dev.ist.common.capacity.LevelPlan;
import dev.ist.common.capacity.MemoryModel;
import dev.ist.common.capacity.TilePlan;
import dev.ist.common.job.Optimizer;
import dev.ist.common.job.Pooling;
import dev.ist.common.job.Precision;
import dev.ist.common.job.StyleLoss;
import dev.ist.worker.engine.optim.Evaluation;
import dev.ist.worker.engine.precision.Bf16Fallback;
import dev.ist.worker.engine.precision.CpuFeatures;
import dev.ist.worker.engine.precision.PrecisionCalibration;
import dev.ist.worker.engine.precision.PrecisionSelector;
import dev.ist.worker.engine.precision.ScriptedFeatureNetwork;
import dev.ist.worker.engine.precision.ScriptedVgg19;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The Gatys et al. optimisation on DJL's PyTorch engine. One instance holds the network on one
 * device; {@link #stylize} may be called many times, one call at a time (not thread-safe).
 *
 * <p>The optimised variable is the RGB image in [0,1] (CHW floats); the network's preprocessing is
 * part of the differentiated graph. With colour preservation the optimisation runs on a grey
 * (luminance) image against luminance-matched grey styles, and the content's chroma is put back at
 * the end. Multi-scale runs a coarse-to-fine pyramid (long side halved per level down to
 * {@link TransferSpec#minScaleLongSide()}); the coarse levels share half of the iterations, the
 * final level gets the rest. Reports are numbered globally across levels.
 */
public final class StyleTransferEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StyleTransferEngine.class);
    private final Vgg19Weights weights;
    private final EngineSettings settings;
    private final NDManager manager;
    private final VggNetwork net;
    private final DeviceSelector.Choice device;
    private VggNetwork averagePoolingNet;
    /** A spec's {@link TransferSpec#precision()} when it names none (the worker's ist.worker.precision). */
    private final Precision defaultPrecision;
    /** What AUTO means on this machine, once measured ({@link PrecisionCalibrator}); null: decided by CPU flags. */
    private volatile PrecisionCalibration calibration;
    /** The TorchScript network, loaded on the first bf16 run; one module serves both poolings. */
    private ScriptedVgg19 scripted;
    private final Map<Pooling, ScriptedFeatureNetwork> scriptedNets = new EnumMap<>(Pooling.class);
    /** Gram targets of style images, with their cache key. */
    private final StyleTargetFactory styleTargets;

    /** With {@link EngineSettings#defaults()}. */
    public StyleTransferEngine(Vgg19Weights weights, String device) {
        this(weights, device, EngineSettings.defaults());
    }

    /**
     * Loads the network onto the device chosen by {@link DeviceSelector} ("auto", "cpu", "gpu", "gpu:N"); specs that
     * name no precision run in fp32.
     */
    public StyleTransferEngine(Vgg19Weights weights, String device, EngineSettings settings) {
        this(weights, device, settings, Precision.FP32); // specs naming no precision run exactly as before bf16
    }

    /** @param defaultPrecision for specs that name none: FP32 (also for null), BF16 or AUTO ({@link PrecisionSelector}) */
    public StyleTransferEngine(Vgg19Weights weights, String device, EngineSettings settings,
                               Precision defaultPrecision) {
        this.defaultPrecision = defaultPrecision == null ? Precision.FP32 : defaultPrecision;
        this.settings = settings;
        configureThreads(settings.threads());
        Engine engine = Engine.getEngine("PyTorch");
        this.device = DeviceSelector.select(device, engine.getGpuCount());
        this.weights = weights;
        this.manager = engine.newBaseManager(this.device.isGpu() ? Device.gpu(this.device.gpuIndex()) : Device.cpu());
        try {
            this.net = new VggNetwork(weights, manager, Pooling.MAX);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        this.styleTargets = new StyleTargetFactory(weights, manager, settings, this::network);
    }

    /** DJL's intra-op thread count; read by DJL when the PyTorch engine starts, so the first engine's count wins. */
    private static void configureThreads(int threads) {
        if (threads > 0 && System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }

    EngineSettings settings() {
        return settings;
    }

    StyleTargetFactory styleTargets() {
        return styleTargets;
    }

    /** The device in use, e.g. "cpu" or "gpu:0". */
    public String device() {
        return device.toString();
    }

    public Vgg19Weights weights() {
        return weights;
    }

    /**
     * Runs one transfer. Reports every iteration (0 = initial image, last = final image) to
     * {@code listener}; checks {@code cancelled} once per iteration and throws
     * {@link TransferCancelledException} carrying the last state when it turns true.
     */
    public TransferResult stylize(TransferSpec spec, IterationListener listener, BooleanSupplier cancelled) {
        try {
            return new TransferRun(this, spec, listener == null ? IterationListener.NONE : listener,
                    cancelled == null ? () -> false : cancelled).run();
        } catch (ai.djl.engine.EngineException | OutOfMemoryError e) {
            throw translateOom(e, spec.size());
        }
    }

    private static RuntimeException translateOom(Throwable e, int size) {
        String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (e instanceof OutOfMemoryError || message.contains("out of memory") || message.contains("can't allocate")
                || message.contains("failed to allocate")) {
            int suggested = Math.max(16, (int) (size * 0.7));
            return new EngineOutOfMemoryException("out of memory at size " + size, suggested, e);
        }
        return new EngineException("engine failure: " + e.getMessage(), e);
    }

    /**
     * Refuses an output whose optimiser vectors this JVM's heap cannot hold ({@link HeapModel}) before any work: it
     * would otherwise end in an {@link OutOfMemoryError} part-way through.
     */
    static void requireHeapFor(int[] out, Optimizer optimizer, long maxHeapBytes, int contentWidth, int contentHeight,
                               int size) {
        long pixels = (long) out[0] * out[1];
        long needs = HeapModel.heapBytes(optimizer, pixels);
        if (needs <= maxHeapBytes) {
            return;
        }
        long holds = HeapModel.largestPixels(optimizer, maxHeapBytes);
        int fits = holds < 1 ? 1 : largestFittingSize(contentWidth, contentHeight, size, holds);
        throw new InvalidSpecException(String.format(java.util.Locale.ROOT,
                "output %dx%d needs about %s of Java heap with %s and this JVM may use %s (-Xmx); give it more "
                        + "heap (IST_JAVA_OPTS=-Xmx…, or MaxRAMPercentage in a container)", out[0], out[1],
                MemoryModel.mib(needs), optimizer.name().toLowerCase(java.util.Locale.ROOT),
                MemoryModel.mib(maxHeapBytes)), fits);
    }

    /** The largest long side below {@code size} whose output of this aspect has at most {@code maxPixels}. */
    static int largestFittingSize(int width, int height, int size, long maxPixels) {
        int[] out = ImageOps.scaledSize(width, height, size);
        int fits = (int) Math.floor(size * Math.sqrt((double) maxPixels / ((long) out[0] * out[1])));
        while (fits > 1) {
            int[] o = ImageOps.scaledSize(width, height, fits);
            if ((long) o[0] * o[1] <= maxPixels) {
                break;
            }
            fits--;
        }
        return Math.max(1, fits);
    }

    /** Gram targets of the blended styles for an output of {@code outputLongSide} pixels (no style masks). */
    public StyleTargets computeStyleTargets(List<BufferedImage> styles, List<Double> blendWeights, int outputLongSide,
                                            TransferSpec spec) {
        if (styles.isEmpty() || styles.size() != blendWeights.size()) {
            throw new InvalidSpecException("need one blend weight per style image");
        }
        List<StyleImage> images = new ArrayList<>();
        for (int k = 0; k < styles.size(); k++) {
            images.add(new StyleImage(styles.get(k), blendWeights.get(k)));
        }
        return computeStyleTargets(images, outputLongSide, spec);
    }

    /**
     * The style targets of {@code styles} (with their style masks) for an output of {@code outputLongSide} pixels:
     * one blended region, or one region per style when {@code spec} is in region mode (output masks).
     */
    public StyleTargets computeStyleTargets(List<StyleImage> styles, int outputLongSide, TransferSpec spec) {
        return styleTargets.compute(styles, outputLongSide, spec);
    }

    /** Blended Gram targets of style images given as CHW pixels with their (w, h). */
    StyleTargets gramTargets(List<float[]> pixels, List<int[]> sizes, List<Double> blendWeights, int outputLongSide,
                             TransferSpec spec, String key) {
        return styleTargets.gramTargets(pixels, sizes, blendWeights, outputLongSide, spec, key);
    }

    /**
     * One evaluation of the loss and its gradient at {@code x} (CHW, {@code w}×{@code h}, RGB in [0,1]) against the
     * spec's content and styles at that size, untiled when {@code plan} is null or a single tile, else tiled by it.
     * For accuracy checks and benchmarks of the tiled objective; transfers choose their plan themselves.
     */
    public Evaluation evaluate(TransferSpec spec, float[] x, int w, int h, TilePlan plan) {
        float[] contentPixels = ImageOps.toChw(ImageOps.resize(spec.content(), w, h));
        StyleTargets targets = computeStyleTargets(spec.styles(), Math.max(w, h), spec);
        try (LevelObjective objective = objective(spec, contentPixels, w, h, targets, plan)) {
            return objective.evaluate(x);
        }
    }

    /** The level's objective: untiled for a null or single-tile plan, else tiled. */
    LevelObjective objective(TransferSpec spec, float[] contentPixels, int w, int h, StyleTargets targets,
                             TilePlan plan) {
        return objective(network(spec.pooling()), spec, contentPixels, w, h, targets, plan, TiledGatysObjective.NEVER);
    }

    /**
     * The level's objective in the run's precision: the fp32 one above, or while the run is in bf16 the same objective
     * on the TorchScript network, each evaluation through {@code fallback}. Content targets are computed in fp32 like
     * the style targets (computed once per level; the iterations are what bf16 speeds up). A tiled objective polls
     * {@code stop} before each tile ({@link EvaluationStoppedException}).
     */
    LevelObjective objective(TransferSpec spec, float[] contentPixels, int w, int h, StyleTargets targets,
                             TilePlan plan, Bf16Fallback fallback, BooleanSupplier stop) {
        if (fallback.current() != Precision.BF16) {
            return objective(network(spec.pooling()), spec, contentPixels, w, h, targets, plan, stop);
        }
        ScriptedFeatureNetwork scriptedNet = scriptedNetwork(spec.pooling());
        scriptedNet.precision(Precision.FP32);
        LevelObjective inner = objective(scriptedNet, spec, contentPixels, w, h, targets, plan, stop);
        scriptedNet.precision(fallback.current());
        return new PrecisionObjective(inner, scriptedNet::precision, fallback,
                spec.optimizer() == Optimizer.LBFGS ? PrecisionObjective.LBFGS_FP32_EVALUATIONS : 0);
    }

    private LevelObjective objective(FeatureNetwork levelNet, TransferSpec spec, float[] contentPixels, int w, int h,
                                     StyleTargets targets, TilePlan plan, BooleanSupplier stop) {
        LevelMasks masks = spec.regionMode() || spec.contentMask() != null ? LevelMasks.of(spec, w, h)
                : LevelMasks.none();
        if (plan == null || plan.single()) {
            return new GatysObjective(levelNet, manager, spec, contentPixels, w, h, targets, masks);
        }
        requireTileable(spec);
        return new TiledGatysObjective(levelNet, manager, spec, contentPixels, w, h, targets, plan, masks, stop);
    }

    /**
     * The plan of every pyramid level of {@code spec} (coarse to fine) under this engine's memory budget: the coarse
     * levels that fit run untiled, only the ones that need it are tiled. Throws {@link EngineOutOfMemoryException}
     * (with a size that fits) when a level cannot fit at all.
     */
    public List<LevelPlan> plan(TransferSpec spec) {
        int[] out = ImageOps.scaledSize(spec.content().getWidth(), spec.content().getHeight(), spec.size());
        int minSide = minimumShortSide(spec);
        List<int[]> levels = pyramid(out[0], out[1], spec.multiScale(), spec.minScaleLongSide());
        levels.removeIf(l -> Math.min(l[0], l[1]) < minSide);
        return plan(spec, levels);
    }

    /**
     * The quote of {@code spec} on this engine: modelled peak resident memory and seconds (see {@link TilePlanner} for
     * the model and its figures) with each level's tile plan. Throws {@link EngineOutOfMemoryException} like
     * {@link #stylize} would when a level cannot fit the budget.
     */
    public Estimate estimate(TransferSpec spec) {
        return new TilePlanner(settings.memoryBudgetBytes()).estimate(spec);
    }

    List<LevelPlan> plan(TransferSpec spec, List<int[]> levels) {
        TilePlanner planner = new TilePlanner(settings.memoryBudgetBytes());
        List<LevelPlan> plans = new ArrayList<>();
        for (int[] l : levels) {
            LevelPlan p = planner.plan(spec, l[0], l[1]);
            if (!p.tiles().single()) {
                requireTileable(spec);
            }
            plans.add(p);
        }
        return plans;
    }

    /** The W2 loss's statistics are not split over tiles (its gradient is not a per-tile surrogate yet). */
    private static void requireTileable(TransferSpec spec) {
        if (spec.styleLoss() == StyleLoss.WASSERSTEIN) {
            throw new InvalidSpecException("styleLoss WASSERSTEIN runs untiled only, and size " + spec.size()
                    + " needs tiles under this memory budget; use GRAM or a smaller size");
        }
    }

    /** The network and manager, for tests of the objective in this package. */
    VggNetwork network(Pooling pooling) {
        if (pooling == Pooling.MAX) {
            return net;
        }
        if (averagePoolingNet == null) {
            averagePoolingNet = new VggNetwork(weights, manager, Pooling.AVG);
        }
        return averagePoolingNet;
    }

    NDManager manager() {
        return manager;
    }

    private ScriptedFeatureNetwork scriptedNetwork(Pooling pooling) {
        if (scripted == null) {
            scripted = ScriptedVgg19.load(manager, weights);
        }
        return scriptedNets.computeIfAbsent(pooling,
                p -> new ScriptedFeatureNetwork(scripted, weights, manager, p, Precision.FP32));
    }

    /** What {@code spec} runs in on this engine's device: its precision, else the engine's default, resolved. */
    public PrecisionSelector.Choice precisionFor(TransferSpec spec) {
        return resolve(spec.precision() != null ? spec.precision() : defaultPrecision);
    }

    /** What a spec that names no precision runs in here: FP32 or BF16. */
    public Precision defaultPrecision() {
        return resolve(defaultPrecision).precision();
    }

    private PrecisionSelector.Choice resolve(Precision requested) {
        return PrecisionSelector.select(requested, CpuFeatures.detect(), gpuComputeCapability(), calibration);
    }

    /** AUTO follows this measurement from now on (null: back to the CPU-flag rule). */
    public void useCalibration(PrecisionCalibration measured) {
        this.calibration = measured;
    }

    /** The measurement AUTO follows, or null. */
    public PrecisionCalibration calibration() {
        return calibration;
    }

    /** The GPU's compute capability ("80"), or null on the CPU or when CUDA cannot tell. */
    private String gpuComputeCapability() {
        if (!device.isGpu()) {
            return null;
        }
        try {
            return ai.djl.util.cuda.CudaUtils.getComputeCapability(device.gpuIndex());
        } catch (RuntimeException | LinkageError e) {
            return "0"; // unknown: AUTO stays fp32
        }
    }

    @Override
    public void close() {
        if (scripted != null) {
            scripted.close();
        }
        manager.close();
    }

    /** 2^(poolings before the deepest layer used): the smallest short side that keeps every map non-empty. */
    static int minimumShortSide(TransferSpec spec) {
        return JobShape.gridOf(spec.contentLayers(), spec.styleLayers());
    }

    /** Sizes (w, h) of the pyramid levels, coarse to fine. */
    static List<int[]> pyramid(int width, int height, boolean multiScale, int minLongSide) {
        return JobShape.pyramid(width, height, multiScale, minLongSide);
    }

    /** Iterations per level: the final level gets the larger half, the coarse levels share the rest. */
    static int[] iterationSplit(int total, int levels) {
        return JobShape.iterationSplit(total, levels);
    }
}
