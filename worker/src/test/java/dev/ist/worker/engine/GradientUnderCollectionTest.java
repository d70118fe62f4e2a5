package dev.ist.worker.engine;

import dev.ist.common.capacity.TilePlan;
import dev.ist.common.job.Optimizer;
import dev.ist.common.job.Precision;
import dev.ist.common.job.StyleLoss;
import dev.ist.worker.engine.optim.Evaluation;
import dev.ist.worker.engine.precision.Bf16Fallback;
import dev.ist.worker.engine.weights.RandomWeights;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every objective gives the same loss and gradient, bit for bit, when a garbage collection runs between its forward
 * and its backward pass and the direct memory it freed is handed out again and overwritten ({@link Backpropagation}'s
 * stress mode): no tensor the backward pass reads lives in memory Java may free. Before {@link Scalars}, DJL's scalar
 * overloads left the loss's scalars in such memory, and the stressed gradient came out wrong on every pass.
 */
class GradientUnderCollectionTest {
    private static final BufferedImage STYLE = StyleTransferEngineTest.photo(64, 64, 2);
    private static StyleTransferEngine engine;

    @BeforeAll
    static void load() {
        engine = new StyleTransferEngine(RandomWeights.vgg19(7), "cpu");
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private static TransferSpec.Builder spec(int w, int h) {
        return TransferSpec.builder().content(StyleTransferEngineTest.photo(w, h, 1)).style(STYLE).size(w)
                .styleWeight(1e4).tvWeight(1e-3);
    }

    @Test
    void thePlainObjectiveGivesTheSameGradient() {
        assertSameUnderCollection(spec(64, 48).build(), 64, 48, null, Precision.FP32);
    }

    @Test
    void theMaskedObjectiveGivesTheSameGradient() {
        BufferedImage left = GuidedGramTest.leftMask(64, 48, 0.4, 0.6, false);
        BufferedImage right = GuidedGramTest.leftMask(64, 48, 0.4, 0.6, true);
        TransferSpec masked = spec(64, 48).styles(List.of(new StyleImage(STYLE, 1.0, left, null),
                        new StyleImage(StyleTransferEngineTest.photo(48, 48, 9), 1.0, right, null)))
                .contentMask(left).contentMaskWeight(3).build();
        assertSameUnderCollection(masked, 64, 48, null, Precision.FP32);
    }

    @Test
    void theWassersteinObjectiveGivesTheSameGradient() {
        assertSameUnderCollection(spec(64, 48).styleLoss(StyleLoss.WASSERSTEIN).build(), 64, 48, null, Precision.FP32);
    }

    @Test
    void theTiledObjectiveGivesTheSameGradient() {
        TransferSpec spec = spec(128, 96).styleLayers(List.of("relu1_1", "relu2_1", "relu3_1"))
                .contentLayers(List.of("conv3_2")).build();
        TilePlan plan = TilePlan.of(128, 96, 64, 32, StyleTransferEngine.minimumShortSide(spec));
        assertEquals(4, plan.tiles().size());
        assertSameUnderCollection(spec, 128, 96, plan, Precision.FP32);
    }

    @Test
    void theBf16ObjectiveGivesTheSameGradient() {
        // Adam's levels run bf16 from their first evaluation (L-BFGS's first two are fp32)
        assertSameUnderCollection(spec(64, 48).optimizer(Optimizer.ADAM).build(), 64, 48, null, Precision.BF16);
    }

    @Test
    void theBf16TiledObjectiveGivesTheSameGradient() {
        TransferSpec spec = spec(128, 96).optimizer(Optimizer.ADAM)
                .styleLayers(List.of("relu1_1", "relu2_1", "relu3_1")).contentLayers(List.of("conv3_2")).build();
        TilePlan plan = TilePlan.of(128, 96, 64, 32, StyleTransferEngine.minimumShortSide(spec));
        assertSameUnderCollection(spec, 128, 96, plan, Precision.BF16);
    }

    private static void assertSameUnderCollection(TransferSpec spec, int w, int h, TilePlan plan, Precision precision) {
        float[] x = ImageOps.toChw(StyleTransferEngineTest.photo(w, h, 3));
        float[] content = ImageOps.toChw(ImageOps.resize(spec.content(), w, h));
        StyleTargets targets = engine.computeStyleTargets(spec.styles(), Math.max(w, h), spec);
        Bf16Fallback fallback = new Bf16Fallback(precision, reason -> {
            throw new AssertionError("fell back to fp32: " + reason);
        });
        try (LevelObjective objective = engine.objective(spec, content, w, h, targets, plan, fallback,
                TiledGatysObjective.NEVER)) {
            Evaluation quiet = objective.evaluate(x);
            Evaluation stressed;
            System.setProperty(Backpropagation.COLLECT_PROPERTY, "true");
            try {
                stressed = objective.evaluate(x);
            } finally {
                System.clearProperty(Backpropagation.COLLECT_PROPERTY);
            }
            assertTrue(Double.isFinite(quiet.loss()) && absMax(quiet.gradient()) > 0,
                    "a finite loss and a gradient that is not zero");
            assertEquals(quiet.loss(), stressed.loss(), "loss with a collection before backward");
            assertTrue(Arrays.equals(quiet.gradient(), stressed.gradient()),
                    "gradient with a collection before backward: " + firstDifference(quiet.gradient(),
                            stressed.gradient()));
        }
    }

    private static double absMax(float[] v) {
        double m = 0;
        for (float f : v) {
            m = Math.max(m, Math.abs(f));
        }
        return m;
    }

    private static String firstDifference(float[] a, float[] b) {
        for (int i = 0; i < a.length; i++) {
            if (Float.floatToIntBits(a[i]) != Float.floatToIntBits(b[i])) {
                return "element " + i + ": " + a[i] + " vs " + b[i];
            }
        }
        return "none";
    }
}
