package dev.ist.worker.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.ist.common.job.StyleLoss;
import dev.ist.worker.engine.optim.Evaluation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Gatys et al. loss at one scale: α·content + β·style + γ·tv with
 * content = mean_l mean((F_l(x) − F_l(c))²), style = (1/L)·Σ_l w_l·mean((G_l(x) − G_l(s))²),
 * tv = mean((x[i,j+1] − x[i,j])²) + mean((x[i+1,j] − x[i,j])²) on the [0,1] RGB image.
 * Each evaluation runs in its own sub-manager, so nothing but the returned float arrays outlives it.
 *
 * <p>With guidance masks ({@link LevelMasks}) the style term of each layer is Σ_r ŵ_r·mean((G_r(x) − T_r)²) over the
 * regions (guided Gram matrices, see {@link StyleStatistics}), and the content term weighs each position by
 * w(p) = 1 + (k − 1)·m(p). With the WASSERSTEIN loss mean((G − T)²) becomes the W2 distance of the Gaussian fits. Without
 * masks and with GRAM the code is the plain path above, unchanged.
 */
final class GatysObjective implements LevelObjective {

    /** DJL's PyTorch gradient recording is process-wide (one collector at a time): objectives take turns on this. */
    static final Object GRADIENT_RECORDING = new Object();
    /** The separate loss terms of one evaluation, kept in {@link Evaluation#detail()}. */
    record Terms(double content, double style, double tv, double total) {
    }

    private final FeatureNetwork net;
    private final NDManager scaleManager;
    private final int width;
    private final int height;
    private final TransferSpec spec;
    private final Map<String, NDArray> contentTargets = new LinkedHashMap<>();
    private final List<Map<String, NDArray>> gramTargets = new ArrayList<>();
    private final List<Map<String, StyleStatistics.W2Target>> w2Targets = new ArrayList<>();
    private final List<Map<String, NDArray>> maskRows = new ArrayList<>();
    private final Map<String, NDArray> contentWeightMaps = new LinkedHashMap<>();
    private final LevelMasks masks;
    private final Set<String> layers = new LinkedHashSet<>();
    private int evaluations;

    GatysObjective(FeatureNetwork net, NDManager parent, TransferSpec spec, float[] content, int width, int height,
                   StyleTargets styleTargets) {
        this(net, parent, spec, content, width, height, styleTargets, LevelMasks.none());
    }

    GatysObjective(FeatureNetwork net, NDManager parent, TransferSpec spec, float[] content, int width, int height,
                   StyleTargets styleTargets, LevelMasks masks) {
        this.net = net;
        this.masks = masks;
        this.spec = spec;
        this.width = width;
        this.height = height;
        this.scaleManager = parent.newSubManager();
        layers.addAll(spec.contentLayers());
        layers.addAll(spec.styleLayers());
        try (NDManager sub = scaleManager.newSubManager()) {
            NDArray image = sub.create(content, new Shape(1, 3, height, width));
            Map<String, NDArray> features = net.activations(image, spec.contentLayers());
            for (String layer : spec.contentLayers()) {
                NDArray f = features.get(layer);
                f.attach(scaleManager);
                contentTargets.put(layer, f);
            }
        }
        int regions = masks.regionMode() ? masks.regionCount() : 1;
        if (styleTargets.regions().size() != regions) {
            scaleManager.close();
            throw new IllegalArgumentException("style targets have " + styleTargets.regions().size()
                    + " regions, the masks " + regions);
        }
        for (int r = 0; r < regions; r++) {
            StyleTargets.Region region = styleTargets.regions().get(r);
            Map<String, NDArray> grams = new LinkedHashMap<>();
            Map<String, StyleStatistics.W2Target> w2 = new LinkedHashMap<>();
            Map<String, NDArray> rows = new LinkedHashMap<>();
            for (String layer : spec.styleLayers()) {
                int c = styleTargets.channels().get(layer);
                NDArray gram = scaleManager.create(region.grams().get(layer), new Shape(c, c));
                grams.put(layer, gram);
                if (spec.styleLoss() == StyleLoss.WASSERSTEIN) {
                    w2.put(layer, StyleStatistics.W2Target.of(gram, scaleManager.create(region.means().get(layer))));
                }
                if (masks.regionMode()) {
                    rows.put(layer, masks.region(r, layer).row(scaleManager));
                }
            }
            gramTargets.add(grams);
            w2Targets.add(w2);
            maskRows.add(rows);
        }
        for (String layer : spec.contentLayers()) {
            LevelMasks.LayerMask m = masks.contentWeight(layer);
            if (m != null) {
                contentWeightMaps.put(layer, m.map(scaleManager, 0, m.height(), 0, m.width()));
            }
        }
    }

    @Override
    public int evaluations() {
        return evaluations;
    }

    @Override
    public Evaluation evaluate(float[] x) {
        evaluations++;
        long t0 = System.nanoTime();
        try (NDManager sub = scaleManager.newSubManager()) {
            NDArray leaf = sub.create(x, new Shape(1, 3, height, width));
            leaf.setRequiresGradient(true);
            NDArray[] terms;
            // DJL's PyTorch gradient recording is process-wide (one collector at a time): engines in one JVM take turns
            synchronized (GRADIENT_RECORDING) {
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    terms = lossTerms(leaf);
                    Backpropagation.backward(collector, terms[3]);
                }
            }
            float[] gradient = leaf.getGradient().toFloatArray();
            Terms t = new Terms(terms[0].getFloat(), terms[1].getFloat(), terms[2].getFloat(), terms[3].getFloat());
            Throughput.record(net.precision(), (long) width * height, System.nanoTime() - t0);
            return new Evaluation(t.total(), gradient, t);
        }
    }

    @Override
    public Terms lossOnly(float[] x) {
        evaluations++;
        try (NDManager sub = scaleManager.newSubManager()) {
            NDArray[] terms = lossTerms(sub.create(x, new Shape(1, 3, height, width)));
            return new Terms(terms[0].getFloat(), terms[1].getFloat(), terms[2].getFloat(), terms[3].getFloat());
        }
    }

    private NDArray[] lossTerms(NDArray image) {
        Map<String, NDArray> features = net.activations(image, layers);
        NDArray content = null;
        for (String layer : spec.contentLayers()) {
            NDArray squared = features.get(layer).sub(contentTargets.get(layer)).square();
            NDArray weights = contentWeightMaps.get(layer);
            NDArray term = weights == null ? squared.mean() : squared.mul(weights).mean();
            content = content == null ? term : content.add(term);
        }
        content = Scalars.div(content, spec.contentLayers().size());
        List<NDArray> styleTerms = new ArrayList<>();
        List<String> styleLayers = spec.styleLayers();
        for (int i = 0; i < styleLayers.size(); i++) {
            String layer = styleLayers.get(i);
            NDArray term = masks.regionMode() || spec.styleLoss() != StyleLoss.GRAM
                    ? guidedStyleTerm(features.get(layer), layer)
                    : VggNetwork.gram(features.get(layer)).sub(gramTargets.get(0).get(layer)).square().mean();
            styleTerms.add(Scalars.mul(term, spec.styleLayerWeights().get(i).floatValue()));
        }
        NDArray style = styleTerms.get(0);
        for (int i = 1; i < styleTerms.size(); i++) {
            style = style.add(styleTerms.get(i));
        }
        style = Scalars.div(style, styleTerms.size());
        NDArray tv = totalVariation(image);
        NDArray total = Scalars.mul(content, spec.contentWeight()).add(Scalars.mul(style, spec.styleWeight()))
                .add(Scalars.mul(tv, spec.tvWeight()));
        return new NDArray[] {content, style, tv, total};
    }

    /** Σ_r ŵ_r·(the region's Gram or W2 term) at one layer; regions absent at this layer's size are skipped. */
    private NDArray guidedStyleTerm(NDArray f, String layer) {
        NDArray sum = null;
        for (int r = 0; r < gramTargets.size(); r++) {
            NDArray row = null;
            double area = 0;
            if (masks.regionMode()) {
                LevelMasks.LayerMask m = masks.region(r, layer);
                if (m.sumSquares() < 1e-9) {
                    continue;
                }
                row = maskRows.get(r).get(layer);
                area = m.sumSquares();
            }
            NDArray gram = StyleStatistics.gram(f, row, area);
            NDArray term = spec.styleLoss() == StyleLoss.WASSERSTEIN
                    ? StyleStatistics.w2(StyleStatistics.mean(f, row, area), gram, w2Targets.get(r).get(layer))
                    : gram.sub(gramTargets.get(r).get(layer)).square().mean();
            if (masks.regionMode()) {
                term = Scalars.mul(term, masks.regionWeight(r));
            }
            sum = sum == null ? term : sum.add(term);
        }
        return sum == null ? Scalars.mul(f.sum(), 0) : sum;
    }

    private NDArray totalVariation(NDArray image) {
        NDArray dx = width > 1
                ? image.get(new NDIndex(":, :, :, 1:")).sub(image.get(new NDIndex(":, :, :, :" + (width - 1))))
                        .square().mean()
                : null;
        NDArray dy = height > 1
                ? image.get(new NDIndex(":, :, 1:, :")).sub(image.get(new NDIndex(":, :, :" + (height - 1) + ", :")))
                        .square().mean()
                : null;
        if (dx == null && dy == null) {
            return Scalars.mul(image.sum(), 0);
        }
        if (dx == null) {
            return dy;
        }
        return dy == null ? dx : dx.add(dy);
    }

    @Override
    public void close() {
        scaleManager.close();
    }
}
