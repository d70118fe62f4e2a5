package dev.ist.worker.engine;

import dev.ist.common.capacity.TilePlan;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.ist.common.job.VggLayerNames;
import dev.ist.worker.engine.optim.Evaluation;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The same loss as {@link GatysObjective} — of the whole image — computed tile by tile so that only one tile's
 * activations are alive at a time.
 *
 * <p>A Gram matrix is a sum over positions, G_l = Σ_t F_t·F_tᵀ/(C·H·W), so pass 1 forwards every tile without a
 * gradient and accumulates the global G_l from the features of the tile cores. With G_l known, A_l = ∂L_style/∂G_l is a
 * constant, and pass 2 back-propagates, per tile, the surrogate β·Σ_l ⟨A_l, F_t·F_tᵀ⟩/(C·H·W) + α·(the tile core's
 * share of the content loss): its gradient with respect to the tile's pixels is exactly the tile's share of the
 * whole-image gradient. The pixel gradient of the whole padded tile, halo included, is summed into the image
 * gradient. Total variation is computed on the whole image in plain Java (it is local and cheap).
 *
 * <p>Exactness depends on the halo: the features of a core near a tile edge see zero padding instead of the
 * neighbouring pixels when the halo is narrower than the receptive field. {@link TiledObjectiveAccuracyTest} measures
 * the error per halo. Each tile runs in its own sub-manager, so memory stays at one tile's forward and backward.
 *
 * <p>Guidance masks work the same way: a guided Gram matrix Σ_p m(p)²F(p)F(p)ᵀ/(C·Σm²) is also a sum over positions,
 * so each region's sum accumulates over the tile cores with the slice of the level's layer mask under each core, and
 * the content weight map is sliced the same way. The W2 style loss is not tiled (the engine refuses that plan).
 */
final class TiledGatysObjective implements LevelObjective {

    private final FeatureNetwork net;
    private final NDManager scaleManager;
    private final int width;
    private final int height;
    private final TransferSpec spec;
    private final TilePlan plan;
    private final List<Map<String, NDArray>> contentTargets = new ArrayList<>();
    private final List<Map<String, NDArray>> gramTargets = new ArrayList<>();
    private final LevelMasks masks;
    private final Set<String> layers = new LinkedHashSet<>();
    private final BooleanSupplier stop;
    private int evaluations;

    TiledGatysObjective(FeatureNetwork net, NDManager parent, TransferSpec spec, float[] content, int width, int height,
                        StyleTargets styleTargets, TilePlan plan) {
        this(net, parent, spec, content, width, height, styleTargets, plan, LevelMasks.none(), NEVER);
    }

    /**
     * @param stop polled before each tile of an evaluation: an evaluation at print size takes minutes, and a cancel
     *             or a shutdown must not wait for it to end; when true the evaluation ends with
     *             {@link EvaluationStoppedException}
     */
    TiledGatysObjective(FeatureNetwork net, NDManager parent, TransferSpec spec, float[] content, int width, int height,
                        StyleTargets styleTargets, TilePlan plan, LevelMasks masks, BooleanSupplier stop) {
        this.masks = masks;
        this.stop = stop;
        if (plan.width() != width || plan.height() != height) {
            throw new IllegalArgumentException("tile plan " + plan.describe() + " is not for " + width + "x" + height);
        }
        this.net = net;
        this.spec = spec;
        this.width = width;
        this.height = height;
        this.plan = plan;
        this.scaleManager = parent.newSubManager();
        layers.addAll(spec.contentLayers());
        layers.addAll(spec.styleLayers());
        try {
            for (TilePlan.Tile tile : plan.tiles()) {
                Map<String, NDArray> targets = new LinkedHashMap<>();
                try (NDManager sub = scaleManager.newSubManager()) {
                    NDArray image = crop(sub, content, tile);
                    Map<String, NDArray> features = net.activations(image, spec.contentLayers());
                    for (String layer : spec.contentLayers()) {
                        NDArray core = core(features.get(layer), layer, tile);
                        if (core != null) {
                            // a view would keep the whole padded map alive: copy the core
                            NDArray kept = core.duplicate();
                            kept.attach(scaleManager);
                            targets.put(layer, kept);
                        }
                    }
                }
                contentTargets.add(targets);
            }
            int regions = masks.regionMode() ? masks.regionCount() : 1;
            if (styleTargets.regions().size() != regions) {
                throw new IllegalArgumentException("style targets have " + styleTargets.regions().size()
                        + " regions, the masks " + regions);
            }
            for (StyleTargets.Region region : styleTargets.regions()) {
                Map<String, NDArray> grams = new LinkedHashMap<>();
                for (String layer : spec.styleLayers()) {
                    int c = styleTargets.channels().get(layer);
                    grams.put(layer, scaleManager.create(region.grams().get(layer), new Shape(c, c)));
                }
                gramTargets.add(grams);
            }
        } catch (RuntimeException e) {
            scaleManager.close();
            throw e;
        }
    }

    TilePlan plan() {
        return plan;
    }

    @Override
    public int evaluations() {
        return evaluations;
    }

    @Override
    public Evaluation evaluate(float[] x) {
        evaluations++;
        long t0 = System.nanoTime();
        try (NDManager evalManager = scaleManager.newSubManager()) {
            List<Map<String, NDArray>> grams = grams(evalManager, x);
            double style = styleLoss(grams);
            List<Map<String, NDArray>> styleGrads = styleGradients(grams);
            float[] gradient = new float[x.length];
            double content = 0;
            float alpha = (float) spec.contentWeight();
            float beta = (float) spec.styleWeight();
            for (int t = 0; t < plan.tiles().size(); t++) {
                TilePlan.Tile tile = plan.tiles().get(t);
                try (NDManager sub = evalManager.newSubManager()) {
                    NDArray leaf = crop(sub, x, tile);
                    leaf.setRequiresGradient(true);
                    double tileContent;
                    synchronized (GatysObjective.GRADIENT_RECORDING) {
                        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                            Map<String, NDArray> features = net.activations(leaf, layers);
                            NDArray contentTerm = contentTerm(features, t);
                            NDArray surrogate = Scalars.mul(contentTerm, alpha);
                            for (String layer : spec.styleLayers()) {
                                NDArray f = core(features.get(layer), layer, tile);
                                if (f == null) {
                                    continue;
                                }
                                if (!masks.regionMode()) {
                                    NDArray ff = flat(f);
                                    NDArray partial = Scalars.div(ff.matMul(ff.transpose())
                                            .mul(styleGrads.get(0).get(layer)).sum(), mapSize(layer));
                                    surrogate = surrogate.add(Scalars.mul(partial, beta));
                                    continue;
                                }
                                for (int r = 0; r < masks.regionCount(); r++) {
                                    LevelMasks.LayerMask m = masks.region(r, layer);
                                    if (m.sumSquares() < 1e-9) {
                                        continue;
                                    }
                                    NDArray fm = flat(f).mul(coreMask(sub, m, layer, tile));
                                    long c = net.channels(layer);
                                    NDArray partial = Scalars.div(fm.matMul(fm.transpose())
                                            .mul(styleGrads.get(r).get(layer)).sum(), (float) (c * m.sumSquares()));
                                    surrogate = surrogate.add(Scalars.mul(partial, beta));
                                }
                            }
                            tileContent = contentTerm.getFloat();
                            Backpropagation.backward(collector, surrogate);
                        }
                    }
                    content += tileContent;
                    addTile(gradient, leaf.getGradient().toFloatArray(), tile);
                }
            }
            double tv = totalVariation(x, gradient, (float) spec.tvWeight());
            GatysObjective.Terms terms = terms(content, style, tv);
            // as the model counts it: the padded pixels of pass 2, pass 1 at its fraction of an evaluation
            Throughput.record(net.precision(), (long) (paddedPixels() * (1 + TilePlanner.GRAM_PASS_FRACTION)), System.nanoTime() - t0);
            return new Evaluation(terms.total(), gradient, terms);
        }
    }

    private long paddedPixels() {
        long sum = 0;
        for (TilePlan.Tile t : plan.tiles()) {
            sum += (long) t.paddedWidth() * t.paddedHeight();
        }
        return sum;
    }

    @Override
    public GatysObjective.Terms lossOnly(float[] x) {
        evaluations++;
        try (NDManager evalManager = scaleManager.newSubManager()) {
            double style = styleLoss(grams(evalManager, x));
            double content = 0;

            for (int t = 0; t < plan.tiles().size(); t++) {
                try (NDManager sub = evalManager.newSubManager()) {
                    content += contentTerm(net.activations(crop(sub, x, plan.tiles().get(t)), spec.contentLayers()), t)
                            .getFloat();
                }
            }
            return terms(content, style, totalVariation(x, null, 0f));
        }
    }

    private GatysObjective.Terms terms(double content, double style, double tv) {
        double total = spec.contentWeight() * content + spec.styleWeight() * style + spec.tvWeight() * tv;
        return new GatysObjective.Terms(content, style, tv, total);
    }

    /** Pass 1: the whole image's (guided) Gram matrices per region, accumulated over the tile cores, no gradient. */
    private List<Map<String, NDArray>> grams(NDManager evalManager, float[] x) {
        if (!masks.regionMode()) {
            return List.of(grams(net, evalManager, x, plan, spec.styleLayers(), stop));
        }
        List<Map<String, LevelMasks.LayerMask>> regions = new ArrayList<>();
        for (int r = 0; r < masks.regionCount(); r++) {
            Map<String, LevelMasks.LayerMask> layerMasks = new LinkedHashMap<>();
            for (String layer : spec.styleLayers()) {
                layerMasks.put(layer, masks.region(r, layer));
            }
            regions.add(layerMasks);
        }
        List<Map<String, NDArray>> out = new ArrayList<>();
        for (Statistics st : statistics(net, evalManager, x, plan, spec.styleLayers(), regions, stop)) {
            out.add(st.grams());
        }
        return out;
    }

    /** Sums of one tile-by-tile pass: (guided) Gram matrices and means per layer. */
    record Statistics(Map<String, NDArray> grams, Map<String, NDArray> means) {
    }

    /**
     * Guided Gram matrices Σ m²F·Fᵀ/(C·Σm²) and means Σ m²F/Σm² of the {@code plan.width()}×{@code plan.height()} CHW
     * image {@code x}, accumulated tile by tile without a gradient; {@code masks} (per layer, at the image's feature
     * sizes) may be null for the plain statistics. A layer whose mask is empty gets zeros.
     */
    static Statistics statistics(FeatureNetwork net, NDManager manager, float[] x, TilePlan plan,
                                 List<String> styleLayers, Map<String, LevelMasks.LayerMask> masks) {
        return statistics(net, manager, x, plan, styleLayers, java.util.Collections.singletonList(masks), NEVER).get(0);
    }

    /** The same for several masks (regions) at once, from one forward pass per tile. */
    static List<Statistics> statistics(FeatureNetwork net, NDManager manager, float[] x, TilePlan plan,
                                       List<String> styleLayers, List<Map<String, LevelMasks.LayerMask>> regions,
                                       BooleanSupplier stop) {
        List<Statistics> out = new ArrayList<>();
        for (int r = 0; r < regions.size(); r++) {
            Map<String, NDArray> grams = new LinkedHashMap<>();
            Map<String, NDArray> means = new LinkedHashMap<>();
            for (String layer : styleLayers) {
                int c = net.channels(layer);
                grams.put(layer, manager.zeros(new Shape(c, c)));
                means.put(layer, manager.zeros(new Shape(c)));
            }
            out.add(new Statistics(grams, means));
        }
        for (TilePlan.Tile tile : plan.tiles()) {
            try (NDManager sub = manager.newSubManager()) {
                Map<String, NDArray> features = net.activations(crop(sub, x, tile, plan.width(), plan.height(), stop),
                        styleLayers);
                for (String layer : styleLayers) {
                    NDArray f = core(features.get(layer), layer, tile);
                    if (f == null) {
                        continue;
                    }
                    for (int r = 0; r < regions.size(); r++) {
                        Map<String, LevelMasks.LayerMask> masks = regions.get(r);
                        NDArray ff = flat(f);
                        NDArray weighted = ff;
                        if (masks != null) {
                            NDArray row = coreMask(sub, masks.get(layer), layer, tile);
                            ff = ff.mul(row);
                            weighted = ff.mul(row);
                        }
                        out.get(r).grams().get(layer).addi(ff.matMul(ff.transpose()));
                        out.get(r).means().get(layer).addi(weighted.sum(new int[] {1}));
                    }
                }
            }
        }
        for (int r = 0; r < regions.size(); r++) {
            Map<String, LevelMasks.LayerMask> masks = regions.get(r);
            for (String layer : styleLayers) {
                double area = masks != null ? masks.get(layer).sumSquares()
                        : (double) mapSize(net, layer, plan.width(), plan.height()) / net.channels(layer);
                if (area < 1e-9) {
                    continue;
                }
                Scalars.divInPlace(out.get(r).grams().get(layer), (float) (net.channels(layer) * area));
                Scalars.divInPlace(out.get(r).means().get(layer), (float) area);
            }
        }
        return out;
    }

    /** The slice of a level's layer mask under a tile's core, as a (1, n) row matching {@link #core}'s positions. */
    private static NDArray coreMask(NDManager manager, LevelMasks.LayerMask mask, String layer, TilePlan.Tile tile) {
        int[] w = coreWindow(layer, tile);
        return mask.row(manager, w[2], w[3], w[0], w[1]);
    }

    /** The core's feature positions in the whole image's map at {@code layer}: {x0, x1, y0, y1} (exclusive ends). */
    private static int[] coreWindow(String layer, TilePlan.Tile tile) {
        int s = stride(layer);
        int fx0 = (tile.x0() - tile.px0()) / s;
        int fy0 = (tile.y0() - tile.py0()) / s;
        int fx1 = tile.x1() / s - tile.px0() / s;
        int fy1 = tile.y1() / s - tile.py0() / s;
        int gx = tile.px0() / s;
        int gy = tile.py0() / s;
        return new int[] {gx + fx0, gx + fx1, gy + fy0, gy + fy1};
    }

    /**
     * G_l = Σ_t F_t·F_tᵀ/(C·H·W) of the {@code plan.width()}×{@code plan.height()} CHW image {@code x}, accumulated
     * tile by tile without a gradient; the matrices belong to {@code manager}. Also how print-size style images get
     * their targets.
     */
    static Map<String, NDArray> grams(FeatureNetwork net, NDManager manager, float[] x, TilePlan plan,
                                      List<String> styleLayers, BooleanSupplier stop) {
        Map<String, NDArray> sums = new LinkedHashMap<>();
        for (String layer : styleLayers) {
            int c = net.channels(layer);
            sums.put(layer, manager.zeros(new Shape(c, c)));
        }
        for (TilePlan.Tile tile : plan.tiles()) {
            try (NDManager sub = manager.newSubManager()) {
                Map<String, NDArray> features = net.activations(crop(sub, x, tile, plan.width(), plan.height(), stop),
                        styleLayers);
                for (String layer : styleLayers) {
                    NDArray f = core(features.get(layer), layer, tile);
                    if (f != null) {
                        NDArray ff = flat(f);
                        sums.get(layer).addi(ff.matMul(ff.transpose()));
                    }
                }
            }
        }
        for (Map.Entry<String, NDArray> e : sums.entrySet()) {
            Scalars.divInPlace(e.getValue(), mapSize(net, e.getKey(), plan.width(), plan.height()));
        }
        return sums;
    }

    /** (1/L)·Σ_l w_l·Σ_r ŵ_r·mean((G_lr − T_lr)²), as {@link GatysObjective} computes it. */
    private double styleLoss(List<Map<String, NDArray>> grams) {
        List<String> styleLayers = spec.styleLayers();
        double sum = 0;
        for (int i = 0; i < styleLayers.size(); i++) {
            String layer = styleLayers.get(i);
            if (!masks.regionMode()) {
                NDArray d = grams.get(0).get(layer).sub(gramTargets.get(0).get(layer));
                sum += d.square().mean().getFloat() * spec.styleLayerWeights().get(i);
                continue;
            }
            for (int r = 0; r < masks.regionCount(); r++) {
                if (masks.region(r, layer).sumSquares() < 1e-9) {
                    continue;
                }
                NDArray d = grams.get(r).get(layer).sub(gramTargets.get(r).get(layer));
                sum += d.square().mean().getFloat() * spec.styleLayerWeights().get(i) * masks.regionWeight(r);
            }
        }
        return sum / styleLayers.size();
    }

    /** A_lr = ∂L_style/∂G_lr = (w_l/L)·ŵ_r·2·(G_lr − T_lr)/C², held constant in pass 2. */
    private List<Map<String, NDArray>> styleGradients(List<Map<String, NDArray>> grams) {
        List<Map<String, NDArray>> all = new ArrayList<>();
        List<String> styleLayers = spec.styleLayers();
        for (int r = 0; r < grams.size(); r++) {
            Map<String, NDArray> out = new LinkedHashMap<>();
            double region = masks.regionMode() ? masks.regionWeight(r) : 1.0;
            for (int i = 0; i < styleLayers.size(); i++) {
                String layer = styleLayers.get(i);
                long c = net.channels(layer);
                double scale = spec.styleLayerWeights().get(i) / styleLayers.size() * 2.0 / ((double) c * c);
                if (masks.regionMode()) {
                    scale *= region;
                }
                out.put(layer, Scalars.mul(grams.get(r).get(layer).sub(gramTargets.get(r).get(layer)), (float) scale));
            }
            all.add(out);
        }
        return all;
    }

    /** The tile core's share of mean_l mean((F_l − P_l)²): its squared error over the whole map's size. */
    private NDArray contentTerm(Map<String, NDArray> features, int tileIndex) {
        TilePlan.Tile tile = plan.tiles().get(tileIndex);
        NDArray sum = null;
        for (String layer : spec.contentLayers()) {
            NDArray f = core(features.get(layer), layer, tile);
            NDArray target = contentTargets.get(tileIndex).get(layer);
            if (f == null || target == null) {
                continue;
            }
            NDArray squared = f.sub(target).square();
            LevelMasks.LayerMask weights = masks.contentWeight(layer);
            if (weights != null) {
                int[] w = coreWindow(layer, tile);
                squared = squared.mul(weights.map(f.getManager(), w[2], w[3], w[0], w[1]));
            }
            NDArray term = Scalars.div(squared.sum(), mapSize(layer));
            sum = sum == null ? term : sum.add(term);
        }
        if (sum == null) {
            NDArray any = features.values().iterator().next();
            return Scalars.mul(any.sum(), 0);
        }
        return Scalars.div(sum, spec.contentLayers().size());
    }

    /** The core's part of a tile's feature map, or null when the core has no position at that layer's stride. */
    private static NDArray core(NDArray map, String layer, TilePlan.Tile tile) {
        int s = stride(layer);
        int fx0 = (tile.x0() - tile.px0()) / s;
        int fy0 = (tile.y0() - tile.py0()) / s;
        int fx1 = tile.x1() / s - tile.px0() / s;
        int fy1 = tile.y1() / s - tile.py0() / s;
        if (fx1 <= fx0 || fy1 <= fy0) {
            return null;
        }
        return map.get(new NDIndex(":, :, " + fy0 + ":" + fy1 + ", " + fx0 + ":" + fx1));
    }

    private static NDArray flat(NDArray f) {
        Shape s = f.getShape();
        return f.reshape(s.get(1), s.get(2) * s.get(3));
    }

    /** C·H·W of the untiled map at {@code layer}. */
    private long mapSize(String layer) {
        return mapSize(net, layer, width, height);
    }

    private static long mapSize(FeatureNetwork net, String layer, int width, int height) {
        int s = stride(layer);
        return (long) net.channels(layer) * (height / s) * (width / s);
    }

    /** 2^(poolings up to and including {@code layer}). */
    static int stride(String layer) {
        int index = VggLayerNames.featureIndex(layer);
        int s = 1;
        for (int i = 0; i <= index; i++) {
            if (VggLayerNames.isPool(i)) {
                s *= 2;
            }
        }
        return s;
    }

    private NDArray crop(NDManager manager, float[] x, TilePlan.Tile tile) {
        return crop(manager, x, tile, width, height, stop);
    }

    /** Never stops: the one-off passes (targets, a final loss) that the caller does not interrupt. */
    static final BooleanSupplier NEVER = () -> false;

    /** The tile's padded window of {@code x} as a (1, 3, h, w) array; first, {@code stop} may end the evaluation. */
    private static NDArray crop(NDManager manager, float[] x, TilePlan.Tile tile, int width, int height,
                                BooleanSupplier stop) {
        if (stop.getAsBoolean()) {
            throw new EvaluationStoppedException();
        }
        int pw = tile.paddedWidth();
        int ph = tile.paddedHeight();
        int n = 3 * pw * ph;
        float[] out = CROP.get();
        if (out.length < n) {
            out = new float[n];
            CROP.set(out);
        }
        for (int c = 0; c < 3; c++) {
            for (int r = 0; r < ph; r++) {
                System.arraycopy(x, (c * height + tile.py0() + r) * width + tile.px0(), out, (c * ph + r) * pw, pw);
            }
        }
        MemoryValve.shared().beforeTransfer();
        return manager.create(FloatBuffer.wrap(out, 0, n), new Shape(1, 3, ph, pw)); // copied: the buffer is reused
    }

    /**
     * One crop buffer per thread, as large as the largest tile it cropped: a fresh 5 MB array per crop (656² padded
     * px) would be garbage that G1 places in the old generation, twice per tile and evaluation.
     */
    private static final ThreadLocal<float[]> CROP = ThreadLocal.withInitial(() -> new float[0]);

    private void addTile(float[] gradient, float[] tileGradient, TilePlan.Tile tile) {
        int pw = tile.paddedWidth();
        int ph = tile.paddedHeight();
        for (int c = 0; c < 3; c++) {
            for (int r = 0; r < ph; r++) {
                int dst = (c * height + tile.py0() + r) * width + tile.px0();
                int src = (c * ph + r) * pw;
                for (int i = 0; i < pw; i++) {
                    gradient[dst + i] += tileGradient[src + i];
                }
            }
        }
    }

    /**
     * mean((x[i,j+1] − x[i,j])²) + mean((x[i+1,j] − x[i,j])²) over the CHW image; when {@code gradient} is given,
     * adds {@code weight}·∂tv/∂x into it.
     */
    private double totalVariation(float[] x, float[] gradient, float weight) {
        double dxSum = 0;
        double dySum = 0;
        double nx = 3.0 * height * (width - 1);
        double ny = 3.0 * (height - 1) * width;
        for (int c = 0; c < 3; c++) {
            for (int r = 0; r < height; r++) {
                int row = (c * height + r) * width;
                for (int i = 0; i < width; i++) {
                    float v = x[row + i];
                    if (i + 1 < width) {
                        float d = x[row + i + 1] - v;
                        dxSum += (double) d * d;
                        if (gradient != null) {
                            float g = (float) (2 * weight * d / nx);
                            gradient[row + i + 1] += g;
                            gradient[row + i] -= g;
                        }
                    }
                    if (r + 1 < height) {
                        float d = x[row + width + i] - v;
                        dySum += (double) d * d;
                        if (gradient != null) {
                            float g = (float) (2 * weight * d / ny);
                            gradient[row + width + i] += g;
                            gradient[row + i] -= g;
                        }
                    }
                }
            }
        }
        return (width > 1 ? dxSum / nx : 0) + (height > 1 ? dySum / ny : 0);
    }

    @Override
    public void close() {
        scaleManager.close();
    }
}
