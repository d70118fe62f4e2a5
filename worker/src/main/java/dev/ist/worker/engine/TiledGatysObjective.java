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

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 */
final class TiledGatysObjective implements LevelObjective {

    private final FeatureNetwork net;
    private final NDManager scaleManager;
    private final int width;
    private final int height;
    private final TransferSpec spec;
    private final TilePlan plan;
    private final List<Map<String, NDArray>> contentTargets = new ArrayList<>();
    private final Map<String, NDArray> gramTargets = new LinkedHashMap<>();
    private final Set<String> layers = new LinkedHashSet<>();
    private int evaluations;

    TiledGatysObjective(FeatureNetwork net, NDManager parent, TransferSpec spec, float[] content, int width, int height,
                        StyleTargets styleTargets, TilePlan plan) {
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
            for (String layer : spec.styleLayers()) {
                int c = styleTargets.channels().get(layer);
                gramTargets.put(layer, scaleManager.create(styleTargets.grams().get(layer), new Shape(c, c)));
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
            Map<String, NDArray> grams = grams(evalManager, x);
            double style = styleLoss(grams);
            Map<String, NDArray> styleGrads = styleGradients(grams);
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
                            NDArray surrogate = contentTerm.mul(alpha);
                            for (String layer : spec.styleLayers()) {
                                NDArray f = core(features.get(layer), layer, tile);
                                if (f == null) {
                                    continue;
                                }
                                NDArray ff = flat(f);
                                NDArray partial = ff.matMul(ff.transpose()).mul(styleGrads.get(layer)).sum()
                                        .div((float) mapSize(layer));
                                surrogate = surrogate.add(partial.mul(beta));
                            }
                            tileContent = contentTerm.getFloat();
                            collector.backward(surrogate);
                        }
                    }
                    content += tileContent;
                    addTile(gradient, leaf.getGradient().toFloatArray(), tile);
                }
            }
            double tv = totalVariation(x, gradient, (float) spec.tvWeight());
            GatysObjective.Terms terms = terms(content, style, tv);
            // as the model counts it: the padded pixels of pass 2, pass 1 at its fraction of an evaluation
            Throughput.record((long) (paddedPixels() * (1 + TilePlanner.GRAM_PASS_FRACTION)), System.nanoTime() - t0);
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

    /** Pass 1: the whole image's Gram matrices, accumulated over the tile cores without a gradient. */
    private Map<String, NDArray> grams(NDManager evalManager, float[] x) {
        return grams(net, evalManager, x, plan, spec.styleLayers());
    }

    /**
     * G_l = Σ_t F_t·F_tᵀ/(C·H·W) of the {@code plan.width()}×{@code plan.height()} CHW image {@code x}, accumulated
     * tile by tile without a gradient; the matrices belong to {@code manager}. Also how print-size style images get
     * their targets.
     */
    static Map<String, NDArray> grams(FeatureNetwork net, NDManager manager, float[] x, TilePlan plan,
                                      List<String> styleLayers) {
        Map<String, NDArray> sums = new LinkedHashMap<>();
        for (String layer : styleLayers) {
            int c = net.channels(layer);
            sums.put(layer, manager.zeros(new Shape(c, c)));
        }
        for (TilePlan.Tile tile : plan.tiles()) {
            try (NDManager sub = manager.newSubManager()) {
                Map<String, NDArray> features = net.activations(crop(sub, x, tile, plan.width(), plan.height()),
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
            e.getValue().divi((float) mapSize(net, e.getKey(), plan.width(), plan.height()));
        }
        return sums;
    }

    /** (1/L)·Σ_l w_l·mean((G_l − T_l)²), as {@link GatysObjective} computes it. */
    private double styleLoss(Map<String, NDArray> grams) {
        List<String> styleLayers = spec.styleLayers();
        double sum = 0;
        for (int i = 0; i < styleLayers.size(); i++) {
            String layer = styleLayers.get(i);
            NDArray d = grams.get(layer).sub(gramTargets.get(layer));
            sum += d.square().mean().getFloat() * spec.styleLayerWeights().get(i);
        }
        return sum / styleLayers.size();
    }

    /** A_l = ∂L_style/∂G_l = (w_l/L)·2·(G_l − T_l)/C², held constant in pass 2. */
    private Map<String, NDArray> styleGradients(Map<String, NDArray> grams) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        List<String> styleLayers = spec.styleLayers();
        for (int i = 0; i < styleLayers.size(); i++) {
            String layer = styleLayers.get(i);
            long c = net.channels(layer);
            double scale = spec.styleLayerWeights().get(i) / styleLayers.size() * 2.0 / ((double) c * c);
            out.put(layer, grams.get(layer).sub(gramTargets.get(layer)).mul((float) scale));
        }
        return out;
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
            NDArray term = f.sub(target).square().sum().div((float) mapSize(layer));
            sum = sum == null ? term : sum.add(term);
        }
        if (sum == null) {
            NDArray any = features.values().iterator().next();
            return any.sum().mul(0f);
        }
        return sum.div((float) spec.contentLayers().size());
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
        return crop(manager, x, tile, width, height);
    }

    private static NDArray crop(NDManager manager, float[] x, TilePlan.Tile tile, int width, int height) {
        int pw = tile.paddedWidth();
        int ph = tile.paddedHeight();
        float[] out = new float[3 * pw * ph];
        for (int c = 0; c < 3; c++) {
            for (int r = 0; r < ph; r++) {
                System.arraycopy(x, (c * height + tile.py0() + r) * width + tile.px0(), out, (c * ph + r) * pw, pw);
            }
        }
        return manager.create(out, new Shape(1, 3, ph, pw));
    }

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
