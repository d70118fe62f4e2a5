package dev.ist.worker.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.ist.common.job.StyleLoss;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The 2-Wasserstein style loss against PyTorch (tools/fixtures/make_w2_fixture.py) and finite differences. */
class StyleStatisticsTest {
    private static NDManager manager;
    private static JsonObject ref;
    private static Shape shape;

    @BeforeAll
    static void load() throws IOException {
        manager = Engine.getEngine("PyTorch").newBaseManager();
        ref = JsonParser.parseString(Files.readString(Fixtures.path("w2_reference.json"), StandardCharsets.UTF_8))
                .getAsJsonObject();
        long[] dims = new long[4];
        for (int i = 0; i < 4; i++) {
            dims[i] = ref.getAsJsonArray("shape").get(i).getAsLong();
        }
        shape = new Shape(dims);
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** W2 of features {@code x} against the target's Gaussian fit, and its gradient when {@code gradient} is given. */
    private static double w2(float[] x, float[] gradient) {
        try (NDManager sub = manager.newSubManager()) {
            NDArray target = sub.create(Fixtures.floats(ref.getAsJsonArray("target")), shape);
            StyleStatistics.W2Target t = StyleStatistics.W2Target.of(VggNetwork.gram(target),
                    StyleStatistics.mean(target, null, 0));
            NDArray f = sub.create(x, shape);
            if (gradient == null) {
                return StyleStatistics.w2(StyleStatistics.mean(f, null, 0), VggNetwork.gram(f), t).getFloat();
            }
            f.setRequiresGradient(true);
            double loss;
            synchronized (GatysObjective.GRADIENT_RECORDING) {
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray l = StyleStatistics.w2(StyleStatistics.mean(f, null, 0), VggNetwork.gram(f), t);
                    loss = l.getFloat();
                    collector.backward(l);
                }
            }
            System.arraycopy(f.getGradient().toFloatArray(), 0, gradient, 0, gradient.length);
            return loss;
        }
    }

    @Test
    void theW2LossAndItsGradientMatchPyTorch() {
        float[] x = Fixtures.floats(ref.getAsJsonArray("x"));
        float[] gradient = new float[x.length];
        double loss = w2(x, gradient);
        double expected = ref.get("loss").getAsDouble();
        System.out.printf("W2: java %.8g, pytorch %.8g, exact sqrtm %.8g%n", loss, expected,
                ref.get("loss_exact_sqrtm_float64").getAsDouble());
        assertEquals(expected, loss, 1e-5 * expected);
        assertEquals(ref.get("loss_exact_sqrtm_float64").getAsDouble(), loss, 1e-4 * expected);
        double err = Fixtures.maxRelativeError(gradient, Fixtures.floats(ref.getAsJsonArray("gradient")));
        assertTrue(err < 1e-3, "gradient relative error " + err);
    }

    @Test
    void theW2GradientMatchesFiniteDifferences() {
        float[] x = Fixtures.floats(ref.getAsJsonArray("x"));
        float[] gradient = new float[x.length];
        w2(x, gradient);
        double h = 1e-2;
        int checked = 0;
        for (int i = 0; i < x.length; i += 7) {
            float[] plus = x.clone();
            float[] minus = x.clone();
            plus[i] += (float) h;
            minus[i] -= (float) h;
            double numeric = (w2(plus, null) - w2(minus, null)) / (2 * h);
            assertEquals(numeric, gradient[i], 2e-2 * Math.abs(numeric) + 2e-4, "d loss / d x[" + i + "]");
            checked++;
        }
        assertTrue(checked >= 15);
    }

    @Test
    void aW2TransferLowersItsLossAndATiledW2PlanIsRefused() {
        try (StyleTransferEngine engine = new StyleTransferEngine(
                dev.ist.worker.engine.weights.WeightsLoader.load(Fixtures.path("tiny-vgg19-zip.pth"), null), "cpu")) {
            TransferSpec spec = TransferSpec.builder().content(StyleTransferEngineTest.photo(48, 36, 1))
                    .style(StyleTransferEngineTest.photo(40, 40, 2)).size(48).iterations(8).styleWeight(1e3)
                    .styleLoss(StyleLoss.WASSERSTEIN).build();
            List<Double> losses = new java.util.ArrayList<>();
            engine.stylize(spec, r -> losses.add(r.styleLoss()), null);
            assertTrue(losses.get(losses.size() - 1) < 0.75 * losses.get(0), "W2 style loss falls: " + losses);
            TransferSpec tiled = spec.toBuilder().size(128).tileSize(64).build();
            InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> engine.plan(tiled));
            assertTrue(e.getMessage().contains("WASSERSTEIN"), e.getMessage());
        }
    }
}
