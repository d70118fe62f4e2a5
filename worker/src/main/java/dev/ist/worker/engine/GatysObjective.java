package dev.ist.worker.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
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
    private final Map<String, NDArray> gramTargets = new LinkedHashMap<>();
    private final Set<String> layers = new LinkedHashSet<>();
    private int evaluations;

    GatysObjective(FeatureNetwork net, NDManager parent, TransferSpec spec, float[] content, int width, int height,
                   StyleTargets styleTargets) {
        this.net = net;
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
        for (String layer : spec.styleLayers()) {
            int c = styleTargets.channels().get(layer);
            gramTargets.put(layer, scaleManager.create(styleTargets.grams().get(layer), new Shape(c, c)));
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
                    collector.backward(terms[3]);
                }
            }
            float[] gradient = leaf.getGradient().toFloatArray();
            Terms t = new Terms(terms[0].getFloat(), terms[1].getFloat(), terms[2].getFloat(), terms[3].getFloat());
            Throughput.record((long) width * height, System.nanoTime() - t0);
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
            NDArray term = features.get(layer).sub(contentTargets.get(layer)).square().mean();
            content = content == null ? term : content.add(term);
        }
        content = content.div(spec.contentLayers().size());
        List<NDArray> styleTerms = new ArrayList<>();
        List<String> styleLayers = spec.styleLayers();
        for (int i = 0; i < styleLayers.size(); i++) {
            String layer = styleLayers.get(i);
            NDArray term = VggNetwork.gram(features.get(layer)).sub(gramTargets.get(layer)).square().mean();
            styleTerms.add(term.mul(spec.styleLayerWeights().get(i).floatValue()));
        }
        NDArray style = styleTerms.get(0);
        for (int i = 1; i < styleTerms.size(); i++) {
            style = style.add(styleTerms.get(i));
        }
        style = style.div(styleTerms.size());
        NDArray tv = totalVariation(image);
        NDArray total = content.mul((float) spec.contentWeight()).add(style.mul((float) spec.styleWeight()))
                .add(tv.mul((float) spec.tvWeight()));
        return new NDArray[] {content, style, tv, total};
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
            return image.sum().mul(0);
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
