package dev.ist.worker.engine.precision;

import dev.ist.common.job.Precision;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.ist.worker.engine.Fixtures;
import dev.ist.worker.engine.InvalidSpecException;
import dev.ist.common.job.Pooling;
import dev.ist.worker.engine.Preprocessing;
import dev.ist.worker.engine.Vgg19Weights;
import dev.ist.worker.engine.weights.RandomWeights;
import dev.ist.worker.engine.weights.WeightsLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TorchScript VGG19 run through DJL against the PyTorch reference the engine is tested against
 * (tools/fixtures/make_fixtures.py): fp32 to float rounding, bf16 to bf16's 8-bit mantissa, and autograd through
 * the module to the input.
 */
class ScriptedVgg19Test {
    private static NDManager manager;
    private static ScriptedVgg19 net;
    private static JsonObject ref;
    private static int h;
    private static int w;

    @BeforeAll
    static void load() {
        manager = Engine.getEngine("PyTorch").newBaseManager();
        net = ScriptedVgg19.load(manager, WeightsLoader.load(Fixtures.path("tiny-vgg19-zip.pth"), null));
        ref = Fixtures.reference();
        h = ref.get("height").getAsInt();
        w = ref.get("width").getAsInt();
    }

    @AfterAll
    static void close() {
        net.close();
        manager.close();
    }

    @Test
    void fp32FeaturesAtNamedLayersMatchPyTorch() {
        JsonObject features = ref.getAsJsonObject("features");
        Map<String, float[]> out = features(features.keySet(), Pooling.MAX, Precision.FP32);
        for (String layer : features.keySet()) {
            double err = Fixtures.maxRelativeError(out.get(layer),
                    Fixtures.floats(features.getAsJsonObject(layer).getAsJsonArray("data")));
            assertTrue(err < 1e-4, layer + " differs from PyTorch by " + err);
        }
    }

    @Test
    void nchwGivesTheSameFp32FeaturesAsTheDefaultChannelsLast() {
        JsonObject features = ref.getAsJsonObject("features");
        try (NDManager m = manager.newSubManager();
             ScriptedVgg19 nchw = ScriptedVgg19.load(m, WeightsLoader.load(Fixtures.path("tiny-vgg19-zip.pth"), null),
                     false)) {
            Map<String, NDArray> out = nchw.features(preprocessed(m, Fixtures.floats("x")), features.keySet(),
                    Pooling.MAX, Precision.FP32);
            for (String layer : features.keySet()) {
                JsonObject expected = features.getAsJsonObject(layer);
                assertArrayEquals(shape(expected.getAsJsonArray("shape")), out.get(layer).getShape().getShape(), layer);
                double err = Fixtures.maxRelativeError(out.get(layer).toFloatArray(),
                        Fixtures.floats(expected.getAsJsonArray("data")));
                assertTrue(err < 1e-4, layer + " (NCHW) differs from PyTorch by " + err);
            }
        }
    }

    @Test
    void bf16FeaturesAreFloat32ArraysCloseToTheFp32Reference() {
        JsonObject features = ref.getAsJsonObject("features");
        try (NDManager m = manager.newSubManager()) {
            Map<String, NDArray> out = net.features(preprocessed(m, Fixtures.floats("x")), features.keySet(),
                    Pooling.MAX, Precision.BF16);
            for (String layer : features.keySet()) {
                JsonObject expected = features.getAsJsonObject(layer);
                NDArray got = out.get(layer);
                assertEquals(ai.djl.ndarray.types.DataType.FLOAT32, got.getDataType(), layer);
                assertArrayEquals(shape(expected.getAsJsonArray("shape")), got.getShape().getShape(), layer);
                // relative to the layer's largest magnitude: bf16 keeps ~3 significant digits, 8-13 layers deep
                double err = maxErrorOverMax(got.toFloatArray(), Fixtures.floats(expected.getAsJsonArray("data")));
                assertTrue(err < 3e-2, layer + " in bf16 is off by " + err + " of its largest value");
                assertTrue(err > 0, layer + " in bf16 is bit-identical to fp32: the bf16 path did not run");
            }
        }
    }

    @Test
    void fp32LossTermsAndGradientThroughTheModuleMatchPyTorchAutograd() {
        JsonObject loss = ref.getAsJsonObject("loss");
        try (ScriptedGatysLoss objective = referenceLoss(Precision.FP32, Pooling.MAX)) {
            ScriptedGatysLoss.Result r = objective.evaluate(Fixtures.floats("x"));
            assertEquals(loss.get("content").getAsDouble(), r.content(), 1e-4 * loss.get("content").getAsDouble());
            assertEquals(loss.get("style").getAsDouble(), r.style(), 1e-4 * loss.get("style").getAsDouble());
            assertEquals(loss.get("tv").getAsDouble(), r.tv(), 1e-5 * loss.get("tv").getAsDouble());
            assertEquals(loss.get("total").getAsDouble(), r.total(), 1e-4 * loss.get("total").getAsDouble());
            double err = Fixtures.maxRelativeError(r.gradient(), Fixtures.floats(loss.getAsJsonArray("gradient")));
            assertTrue(err < 1e-3, "gradient differs from PyTorch autograd by " + err);
        }
    }

    @Test
    void fp32StyleGramsMatchPyTorch() {
        JsonObject grams = ref.getAsJsonObject("style_grams");
        try (ScriptedGatysLoss objective = referenceLoss(Precision.FP32, Pooling.MAX)) {
            for (String layer : grams.keySet()) {
                double err = Fixtures.maxRelativeError(objective.gramTarget(layer),
                        Fixtures.floats(grams.getAsJsonArray(layer)));
                assertTrue(err < 1e-4, layer + " Gram differs by " + err);
            }
        }
    }

    @Test
    void bf16LossAndGradientStayCloseToFp32() {
        for (Pooling pooling : Pooling.values()) {
            try (ScriptedGatysLoss fp32 = referenceLoss(Precision.FP32, pooling);
                 ScriptedGatysLoss bf16 = referenceLoss(Precision.BF16, pooling)) {
                ScriptedGatysLoss.Result a = fp32.evaluate(Fixtures.floats("x"));
                ScriptedGatysLoss.Result b = bf16.evaluate(Fixtures.floats("x"));
                // a 4-8-channel net is harsher on bf16 than VGG19 (fewer terms average the rounding out)
                assertEquals(a.total(), b.total(), 0.05 * a.total(), pooling + " total loss");
                assertEquals(a.tv(), b.tv(), 1e-6 * a.tv(), pooling + " tv is computed in fp32 on the image");
                double cosine = cosine(a.gradient(), b.gradient());
                assertTrue(cosine > 0.99, pooling + " gradient direction: cosine " + cosine);
                assertEquals(1.0, norm(b.gradient()) / norm(a.gradient()), 0.10, pooling + " gradient norm ratio, cosine " + cosine);
            }
        }
    }

    @Test
    void theGraphIsRecordedOnlyWhileAGradientCollectorIsOpen() {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = preprocessed(m, Fixtures.floats("x"));
            x.setRequiresGradient(true);
            NDArray outside = net.features(x, List.of("relu1_1"), Pooling.MAX, Precision.BF16).get("relu1_1");
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray inside = net.features(x, List.of("relu1_1"), Pooling.MAX, Precision.BF16).get("relu1_1");
                // the output's backward node is the channels-last activation cast back from bf16 and made NCHW
                // (a copy): the graph runs through the module's casts
                String node = JniUtils.getGradientFunctionNames((PtNDArray) inside);
                assertTrue(node.equals("ToCopyBackward0") || node.equals("CloneBackward0"), node);
                assertThrows(ai.djl.engine.EngineException.class, () -> collector.backward(outside.sum()),
                        "a forward outside a collector must keep no graph to back-propagate through");
            }
        }
    }

    @Test
    void theSameModuleServesWeightsOfAnotherShapeAndImagesOfAnySize() {
        Vgg19Weights small = RandomWeights.create(3, new int[] {8, 8, 16, 16, 16, 16, 16, 16, 16, 16}, 10);
        try (NDManager m = manager.newSubManager(); ScriptedVgg19 other = ScriptedVgg19.load(m, small)) {
            assertEquals(dev.ist.common.job.VggLayerNames.featureIndex("relu4_2"), other.deepestIndex());
            for (int side : new int[] {16, 24}) {
                NDArray x = m.randomUniform(0, 1, new Shape(1, 3, side, side + 8));
                Map<String, NDArray> f = other.features(x, List.of("relu4_1", "relu1_1"), Pooling.AVG, Precision.BF16);
                assertArrayEquals(new long[] {1, 16, side / 8, (side + 8) / 8}, f.get("relu4_1").getShape().getShape());
                assertArrayEquals(new long[] {1, 8, side, side + 8}, f.get("relu1_1").getShape().getShape());
            }
            InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> other.features(
                    m.zeros(new Shape(1, 3, 32, 32)), List.of("relu5_1"), Pooling.MAX, Precision.FP32));
            assertTrue(e.getMessage().contains("relu5_1") && e.getMessage().contains("relu4_2"), e.getMessage());
        }
    }

    @Test
    void autoMustBeResolvedBeforeRunning() {
        try (NDManager m = manager.newSubManager()) {
            assertThrows(IllegalArgumentException.class, () -> net.features(m.zeros(new Shape(1, 3, 8, 8)),
                    List.of("relu1_1"), Pooling.MAX, Precision.AUTO));
        }
    }

    private static ScriptedGatysLoss referenceLoss(Precision precision, Pooling pooling) {
        JsonObject loss = ref.getAsJsonObject("loss");
        List<Double> layerWeights = new ArrayList<>();
        loss.getAsJsonArray("style_layer_weights").forEach(e -> layerWeights.add(e.getAsDouble()));
        return new ScriptedGatysLoss(net, manager, Preprocessing.TORCHVISION, pooling, precision,
                Fixtures.floats("content"), w, h, Fixtures.floats("style"), 40, 40, loss.get("alpha").getAsDouble(),
                loss.get("beta").getAsDouble(), loss.get("gamma").getAsDouble(), layerWeights);
    }

    private static Map<String, float[]> features(java.util.Collection<String> layers, Pooling pooling,
                                                 Precision precision) {
        try (NDManager m = manager.newSubManager()) {
            Map<String, NDArray> out = net.features(preprocessed(m, Fixtures.floats("x")), layers, pooling, precision);
            Map<String, float[]> copy = new java.util.HashMap<>();
            out.forEach((k, v) -> copy.put(k, v.toFloatArray()));
            return copy;
        }
    }

    /** torchvision normalisation of a [0,1] RGB image, as the engine's network does it. */
    private static NDArray preprocessed(NDManager m, float[] rgb) {
        Preprocessing p = Preprocessing.TORCHVISION;
        float[] scale = new float[3];
        float[] shift = new float[3];
        for (int c = 0; c < 3; c++) {
            scale[c] = (float) (p.scale() / p.std()[c]);
            shift[c] = -p.mean()[c] / p.std()[c];
        }
        return m.create(rgb, new Shape(1, 3, h, w)).mul(m.create(scale, new Shape(1, 3, 1, 1)))
                .add(m.create(shift, new Shape(1, 3, 1, 1)));
    }

    private static long[] shape(JsonArray a) {
        long[] s = new long[a.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = a.get(i).getAsLong();
        }
        return s;
    }

    static double maxErrorOverMax(float[] actual, float[] expected) {
        double max = 0;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs(expected[i]));
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        }
        return worst / Math.max(max, 1e-12);
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
        }
        return dot / (norm(a) * norm(b));
    }

    static double norm(float[] a) {
        double s = 0;
        for (float v : a) {
            s += (double) v * v;
        }
        return Math.sqrt(s);
    }
}
