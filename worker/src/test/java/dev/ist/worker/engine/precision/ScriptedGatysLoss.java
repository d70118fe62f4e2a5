package dev.ist.worker.engine.precision;

import dev.ist.common.job.Precision;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.ist.common.job.Pooling;
import dev.ist.worker.engine.Preprocessing;
import dev.ist.worker.engine.optim.Evaluation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The engine's Gatys loss (the definition of {@code GatysObjective}: mean-squared content and Gram differences, the
 * weighted mean over style layers, mean-squared neighbour differences for TV) on top of {@link ScriptedVgg19}, for
 * the tests and the bench of this package until the engine's objective takes its feature maps from a pluggable
 * network. Targets are computed with the same network, pooling and precision as the evaluations.
 */
public final class ScriptedGatysLoss implements AutoCloseable {
    public record Result(double content, double style, double tv, double total, float[] gradient) {
    }

    static final List<String> CONTENT_LAYERS = List.of("conv4_2");
    static final List<String> STYLE_LAYERS = List.of("relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1");

    private final ScriptedVgg19 net;
    private final NDManager manager;
    private final Pooling pooling;
    private final Precision precision;
    private final int width;
    private final int height;
    private final double alpha;
    private final double beta;
    private final double gamma;
    private final List<Double> layerWeights;
    private final NDArray scale;
    private final NDArray shift;
    private final boolean bgr;
    private final Map<String, NDArray> contentTargets = new LinkedHashMap<>();
    private final Map<String, NDArray> gramTargets = new LinkedHashMap<>();
    private final Set<String> layers = new LinkedHashSet<>();

    ScriptedGatysLoss(ScriptedVgg19 net, NDManager parent, Preprocessing p, Pooling pooling, Precision precision,
                      float[] content, int width, int height, float[] style, int styleWidth, int styleHeight,
                      double alpha, double beta, double gamma, List<Double> layerWeights) {
        this(net, parent, p, pooling, precision, precision, content, width, height, style, styleWidth, styleHeight,
                alpha, beta, gamma, layerWeights);
    }

    /** With the content and Gram targets computed in {@code targetPrecision} instead of the evaluations' precision. */
    ScriptedGatysLoss(ScriptedVgg19 net, NDManager parent, Preprocessing p, Pooling pooling, Precision precision,
                      Precision targetPrecision, float[] content, int width, int height, float[] style,
                      int styleWidth, int styleHeight, double alpha, double beta, double gamma,
                      List<Double> layerWeights) {
        this.net = net;
        this.manager = parent.newSubManager();
        this.pooling = pooling;
        this.precision = precision;
        this.width = width;
        this.height = height;
        this.alpha = alpha;
        this.beta = beta;
        this.gamma = gamma;
        this.layerWeights = layerWeights;
        float[] s = new float[3];
        float[] t = new float[3];
        for (int c = 0; c < 3; c++) {
            s[c] = (float) (p.scale() / p.std()[c]);
            t[c] = -p.mean()[c] / p.std()[c];
        }
        this.scale = manager.create(s, new Shape(1, 3, 1, 1));
        this.shift = manager.create(t, new Shape(1, 3, 1, 1));
        this.bgr = p.bgr();
        layers.addAll(CONTENT_LAYERS);
        layers.addAll(STYLE_LAYERS);
        try (NDManager sub = manager.newSubManager()) {
            Map<String, NDArray> fc = features(sub.create(content, new Shape(1, 3, height, width)), CONTENT_LAYERS,
                    targetPrecision);
            for (String layer : CONTENT_LAYERS) {
                NDArray f = fc.get(layer);
                f.attach(manager);
                contentTargets.put(layer, f);
            }
            Map<String, NDArray> fs = features(sub.create(style, new Shape(1, 3, styleHeight, styleWidth)),
                    STYLE_LAYERS, targetPrecision);
            for (String layer : STYLE_LAYERS) {
                NDArray g = gram(fs.get(layer));
                g.attach(manager);
                gramTargets.put(layer, g);
            }
        }
    }

    /** Loss terms and the gradient of the total with respect to the [0,1] RGB image {@code x}. */
    Result evaluate(float[] x) {
        try (NDManager sub = manager.newSubManager()) {
            NDArray leaf = sub.create(x, new Shape(1, 3, height, width));
            leaf.setRequiresGradient(true);
            NDArray[] terms;
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                terms = terms(leaf);
                collector.backward(terms[3]);
            }
            return new Result(terms[0].getFloat(), terms[1].getFloat(), terms[2].getFloat(), terms[3].getFloat(),
                    leaf.getGradient().toFloatArray());
        }
    }

    /** {@link #evaluate} as the optimisers take it. */
    Evaluation evaluation(float[] x) {
        Result r = evaluate(x);
        return new Evaluation(r.total(), r.gradient(), r);
    }

    /** Style Gram target of one layer, row-major. */
    float[] gramTarget(String layer) {
        return gramTargets.get(layer).toFloatArray();
    }

    private Map<String, NDArray> features(NDArray rgb, List<String> wanted, Precision p) {
        NDArray x = bgr ? rgb.flip(1) : rgb;
        return net.features(x.mul(scale).add(shift), wanted, pooling, p);
    }

    private NDArray[] terms(NDArray image) {
        Map<String, NDArray> f = features(image, new ArrayList<>(layers), precision);
        NDArray content = null;
        for (String layer : CONTENT_LAYERS) {
            NDArray term = f.get(layer).sub(contentTargets.get(layer)).square().mean();
            content = content == null ? term : content.add(term);
        }
        content = content.div(CONTENT_LAYERS.size());
        NDArray style = null;
        for (int i = 0; i < STYLE_LAYERS.size(); i++) {
            String layer = STYLE_LAYERS.get(i);
            NDArray term = gram(f.get(layer)).sub(gramTargets.get(layer)).square().mean()
                    .mul(layerWeights.get(i).floatValue());
            style = style == null ? term : style.add(term);
        }
        style = style.div(STYLE_LAYERS.size());
        NDArray dx = image.get(new NDIndex(":, :, :, 1:")).sub(image.get(new NDIndex(":, :, :, :" + (width - 1))))
                .square().mean();
        NDArray dy = image.get(new NDIndex(":, :, 1:, :")).sub(image.get(new NDIndex(":, :, :" + (height - 1) + ", :")))
                .square().mean();
        NDArray tv = dx.add(dy);
        NDArray total = content.mul((float) alpha).add(style.mul((float) beta)).add(tv.mul((float) gamma));
        return new NDArray[] {content, style, tv, total};
    }

    static NDArray gram(NDArray features) {
        Shape s = features.getShape();
        long c = s.get(1);
        long hw = s.get(2) * s.get(3);
        NDArray f = features.reshape(c, hw);
        return f.matMul(f.transpose()).div(c * hw);
    }

    @Override
    public void close() {
        manager.close();
    }
}
