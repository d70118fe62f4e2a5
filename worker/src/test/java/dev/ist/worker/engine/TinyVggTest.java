package dev.ist.worker.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import dev.ist.common.job.Pooling;
import dev.ist.worker.engine.optim.Evaluation;
import dev.ist.worker.engine.weights.WeightsLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Features, Gram matrices, loss terms and gradient of a tiny VGG19-shaped net against PyTorch's numbers. */
class TinyVggTest {
    private static StyleTransferEngine engine;
    private static JsonObject ref;
    private static int h;
    private static int w;

    @BeforeAll
    static void load() {
        engine = new StyleTransferEngine(WeightsLoader.load(Fixtures.path("tiny-vgg19-zip.pth"), null), "cpu");
        ref = Fixtures.reference();
        h = ref.get("height").getAsInt();
        w = ref.get("width").getAsInt();
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    static TransferSpec.Builder specBuilder() {
        BufferedImage dummy = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        return TransferSpec.builder().content(dummy).style(dummy);
    }

    @Test
    void featuresAtNamedLayersMatchPyTorch() {
        JsonObject features = ref.getAsJsonObject("features");
        VggNetwork net = engine.network(Pooling.MAX);
        try (NDManager m = engine.manager().newSubManager()) {
            NDArray x = m.create(Fixtures.floats("x"), new Shape(1, 3, h, w));
            Map<String, NDArray> out = net.features(net.preprocess(x), features.keySet());
            for (String layer : features.keySet()) {
                JsonObject expected = features.getAsJsonObject(layer);
                long[] shape = new long[expected.getAsJsonArray("shape").size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = expected.getAsJsonArray("shape").get(i).getAsLong();
                }
                assertArrayEquals(shape, out.get(layer).getShape().getShape(), layer);
                double err = Fixtures.maxRelativeError(out.get(layer).toFloatArray(),
                        Fixtures.floats(expected.getAsJsonArray("data")));
                assertTrue(err < 1e-4, layer + " differs from PyTorch by " + err);
            }
        }
    }

    @Test
    void caffePreprocessingFlipsToBgrAndSubtractsTheCaffeMean() {
        Vgg19Weights caffe = WeightsLoader.load(Fixtures.path("tiny-vgg19-zip.pth"), Preprocessing.CAFFE);
        try (StyleTransferEngine caffeEngine = new StyleTransferEngine(caffe, "cpu");
             NDManager m = caffeEngine.manager().newSubManager()) {
            VggNetwork net = caffeEngine.network(Pooling.MAX);
            NDArray x = m.create(Fixtures.floats("x"), new Shape(1, 3, h, w));
            float[] conv11 = net.features(net.preprocess(x), List.of("conv1_1")).get("conv1_1").toFloatArray();
            double err = Fixtures.maxRelativeError(conv11, Fixtures.floats("features_caffe_conv1_1"));
            assertTrue(err < 1e-4, "caffe conv1_1 differs by " + err);
        }
    }

    @Test
    void styleGramsMatchPyTorch() {
        TransferSpec spec = specBuilder().build();
        int[] size = {40, 40};
        StyleTargets targets = engine.gramTargets(List.of(Fixtures.floats("style")), List.of(size), List.of(1.0), 40,
                spec, "k");
        JsonObject grams = ref.getAsJsonObject("style_grams");
        for (String layer : grams.keySet()) {
            double err = Fixtures.maxRelativeError(targets.grams().get(layer), Fixtures.floats(grams.getAsJsonArray(layer)));
            assertTrue(err < 1e-4, layer + " Gram differs by " + err);
        }
    }

    @Test
    void lossTermsAndGradientMatchPyTorch() {
        JsonObject loss = ref.getAsJsonObject("loss");
        List<Double> layerWeights = new java.util.ArrayList<>();
        loss.getAsJsonArray("style_layer_weights").forEach(e -> layerWeights.add(e.getAsDouble()));
        TransferSpec spec = specBuilder().contentWeight(loss.get("alpha").getAsDouble())
                .styleWeight(loss.get("beta").getAsDouble()).tvWeight(loss.get("gamma").getAsDouble())
                .styleLayerWeights(layerWeights).build();
        try (GatysObjective objective = objective(spec, Fixtures.floats("content"), Fixtures.floats("style"),
                new int[] {40, 40}, w, h)) {
            Evaluation ev = objective.evaluate(Fixtures.floats("x"));
            GatysObjective.Terms t = (GatysObjective.Terms) ev.detail();
            assertEquals(loss.get("content").getAsDouble(), t.content(), 1e-4 * loss.get("content").getAsDouble());
            assertEquals(loss.get("style").getAsDouble(), t.style(), 1e-4 * loss.get("style").getAsDouble());
            assertEquals(loss.get("tv").getAsDouble(), t.tv(), 1e-5 * loss.get("tv").getAsDouble());
            assertEquals(loss.get("total").getAsDouble(), ev.loss(), 1e-4 * loss.get("total").getAsDouble());
            double err = Fixtures.maxRelativeError(ev.gradient(), Fixtures.floats(loss.getAsJsonArray("gradient")));
            // fp32 convolution kernels differ per CPU and channel count: this net's narrow layers run padded to 16
            // channels (VggNetwork.MIN_CONV_CHANNELS), where libtorch 2.7.1 on an AMX Xeon answers within 2.8e-3 of
            // the reference (1.2e-3 at 64 channels, < 1e-3 unpadded or on an AMD EPYC); a wrong term or scale
            // is off by far more, and gradientMatchesFiniteDifferences checks the gradient on its own
            assertTrue(err < 5e-3, "gradient differs from PyTorch autograd by " + err);
        }
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        TransferSpec spec = specBuilder().styleWeight(1000).tvWeight(0.5).pooling(Pooling.AVG).build();
        int side = 16;
        SplittableRandom random = new SplittableRandom(7);
        float[] content = randomImage(random, side);
        float[] style = randomImage(random, side);
        float[] x = randomImage(random, side);
        try (GatysObjective objective = objective(spec, content, style, new int[] {side, side}, side, side)) {
            float[] g = objective.evaluate(x).gradient();
            for (int trial = 0; trial < 4; trial++) {
                float[] d = new float[x.length];
                double norm = 0;
                for (int i = 0; i < d.length; i++) {
                    d[i] = (float) random.nextGaussian();
                    norm += d[i] * d[i];
                }
                double eps = 2e-3 / Math.sqrt(norm);
                float[] plus = x.clone();
                float[] minus = x.clone();
                double analytic = 0;
                for (int i = 0; i < x.length; i++) {
                    plus[i] += (float) (eps * d[i]);
                    minus[i] -= (float) (eps * d[i]);
                    analytic += g[i] * d[i] * eps;
                }
                double numeric = (objective.lossOnly(plus).total() - objective.lossOnly(minus).total()) / 2;
                assertEquals(analytic, numeric, 2e-2 * Math.abs(analytic) + 1e-6,
                        "directional derivative, trial " + trial);
            }
        }
    }

    @Test
    void gramIsFeaturesTimesTransposeOverElementCount() {
        try (NDManager m = engine.manager().newSubManager()) {
            // F = [[1,2],[3,4]] as C=2, H=1, W=2: F·Fᵀ = [[5,11],[11,25]], divided by C·H·W = 4
            NDArray f = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 2, 1, 2));
            assertArrayEquals(new float[] {1.25f, 2.75f, 2.75f, 6.25f}, VggNetwork.gram(f).toFloatArray(), 1e-6f);
        }
    }

    @Test
    void totalVariationIsMeanSquaredNeighbourDifference() {
        TransferSpec spec = specBuilder().contentWeight(0).styleWeight(0).tvWeight(1)
                .styleLayers(List.of("relu1_1")).contentLayers(List.of("relu1_1")).build();
        float[] zeros = new float[3 * 4];
        // one channel plane [[0,1],[2,4]] in all 3 channels: dx = {1,2} → mean 2.5, dy = {2,3} → mean 6.5
        float[] x = {0, 1, 2, 4, 0, 1, 2, 4, 0, 1, 2, 4};
        try (GatysObjective objective = objective(spec, zeros, zeros, new int[] {2, 2}, 2, 2)) {
            GatysObjective.Terms t = objective.lossOnly(x);
            assertEquals(9.0, t.tv(), 1e-6);
            assertEquals(9.0, t.total(), 1e-6);
        }
    }

    @Test
    void contentLossIsMeanSquaredFeatureDifference() {
        TransferSpec spec = specBuilder().contentWeight(1).styleWeight(0)
                .styleLayers(List.of("relu1_1")).contentLayers(List.of("conv1_1")).build();
        float[] c = Fixtures.floats("content");
        float[] x = Fixtures.floats("x");
        VggNetwork net = engine.network(Pooling.MAX);
        double expected;
        try (NDManager m = engine.manager().newSubManager()) {
            float[] fx = net.features(net.preprocess(m.create(x, new Shape(1, 3, h, w))), List.of("conv1_1"))
                    .get("conv1_1").toFloatArray();
            float[] fc = net.features(net.preprocess(m.create(c, new Shape(1, 3, h, w))), List.of("conv1_1"))
                    .get("conv1_1").toFloatArray();
            double sum = 0;
            for (int i = 0; i < fx.length; i++) {
                sum += (double) (fx[i] - fc[i]) * (fx[i] - fc[i]);
            }
            expected = sum / fx.length;
        }
        try (GatysObjective objective = objective(spec, c, c, new int[] {w, h}, w, h)) {
            assertEquals(expected, objective.lossOnly(x).content(), 1e-5 * expected);
            assertEquals(0.0, objective.lossOnly(c).content(), 1e-9);
        }
    }

    static GatysObjective objective(TransferSpec spec, float[] content, float[] style, int[] styleSize, int width,
                                    int height) {
        StyleTargets targets = engine.gramTargets(List.of(style), List.of(styleSize), List.of(1.0),
                Math.max(width, height), spec, "k");
        return new GatysObjective(engine.network(spec.pooling()), engine.manager(), spec, content, width, height, targets);
    }

    static float[] randomImage(SplittableRandom random, int side) {
        float[] x = new float[3 * side * side];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble();
        }
        return x;
    }
}
