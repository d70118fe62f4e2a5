package dev.ist.worker.engine;

import dev.ist.common.capacity.TilePlan;
import dev.ist.worker.engine.optim.Evaluation;
import dev.ist.worker.engine.optim.Lbfgs;
import dev.ist.worker.engine.weights.RandomWeights;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tiled objective computes the whole-image loss and gradient of the untiled one (random VGG19 weights, forced
 * small tiles, the default halo of {@link TransferSpec#DEFAULT_TILE_HALO} px chosen from the halo sweep of
 * {@code ist bench --tiling-accuracy}).
 */
class TiledObjectiveAccuracyTest {
    private static StyleTransferEngine engine;

    @BeforeAll
    static void load() {
        engine = new StyleTransferEngine(RandomWeights.vgg19(7), "cpu");
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @Test
    void at512PixelsFourTilesGiveTheUntiledLossesAndGradient() {
        assertSameEvaluation(512, 384, 256, defaultLayers(512, 384), TransferSpec.DEFAULT_TILE_HALO);
    }

    @Test
    void at1024PixelsFourTilesGiveTheUntiledLossesAndGradient() {
        // relu1_1..relu3_1 + conv3_2 (a third of the FLOPs of the full set, which the 512 px case covers): 4 px grid,
        // 32 px halo
        assertSameEvaluation(1024, 768, 512, shallowLayers(1024, 768), 32);
    }

    @Test
    void tenLbfgsIterationsOnNineTilesFollowTheUntiledTrajectory() {
        // the shallow layer set keeps this CI-sized (4 px grid, 32 px halo)
        int w = 384;
        int h = 288;
        TransferSpec spec = shallowLayers(w, h);
        TilePlan plan = TilePlan.of(w, h, 128, 32, StyleTransferEngine.minimumShortSide(spec));
        assertEquals(9, plan.tiles().size());
        List<Double> untiled = trajectory(spec, w, h, null, 10);
        List<Double> tiled = trajectory(spec, w, h, plan, 10);
        assertEquals(untiled.size(), tiled.size());
        assertTrue(untiled.get(untiled.size() - 1) < 0.5 * untiled.get(0), "the optimisation made progress");
        for (int i = 0; i < untiled.size(); i++) {
            assertEquals(untiled.get(i), tiled.get(i), 0.01 * untiled.get(i), "loss at iteration " + i);
        }
    }

    private static TransferSpec defaultLayers(int w, int h) {
        return TransferSpec.builder().content(StyleTransferEngineTest.photo(w, h, 1))
                .style(StyleTransferEngineTest.photo(300, 300, 2)).size(w).tvWeight(1e-3).build();
    }

    private static TransferSpec shallowLayers(int w, int h) {
        return TransferSpec.builder().content(StyleTransferEngineTest.photo(w, h, 1))
                .style(StyleTransferEngineTest.photo(256, 256, 2)).size(w).styleWeight(1e5).tvWeight(1e-3)
                .styleLayers(List.of("relu1_1", "relu2_1", "relu3_1")).contentLayers(List.of("conv3_2")).build();
    }

    private static void assertSameEvaluation(int w, int h, int core, TransferSpec spec, int halo) {
        float[] x = ImageOps.toChw(StyleTransferEngineTest.photo(w, h, 3));
        TilePlan plan = TilePlan.of(w, h, core, halo, StyleTransferEngine.minimumShortSide(spec));
        assertEquals(4, plan.tiles().size());
        Evaluation untiled = engine.evaluate(spec, x, w, h, null);
        Evaluation tiled = engine.evaluate(spec, x, w, h, plan);
        GatysObjective.Terms a = (GatysObjective.Terms) tiled.detail();
        GatysObjective.Terms b = (GatysObjective.Terms) untiled.detail();
        assertEquals(b.content(), a.content(), 1e-4 * b.content(), "content loss");
        assertEquals(b.style(), a.style(), 1e-4 * b.style(), "style loss");
        assertEquals(b.tv(), a.tv(), 1e-4 * b.tv(), "tv loss");
        assertEquals(b.total(), a.total(), 1e-4 * b.total(), "total loss");
        double cosine = cosine(tiled.gradient(), untiled.gradient());
        assertTrue(cosine > 0.999, "gradient cosine similarity " + cosine);
    }

    private static List<Double> trajectory(TransferSpec spec, int w, int h, TilePlan plan, int iterations) {
        float[] content = ImageOps.toChw(ImageOps.resize(spec.content(), w, h));
        StyleTargets targets = engine.computeStyleTargets(List.of(spec.styles().get(0).image()), List.of(1.0), w, spec);
        List<Double> losses = new ArrayList<>();
        try (LevelObjective objective = engine.objective(spec, content, w, h, targets, plan)) {
            float[] x = content.clone();
            Lbfgs lbfgs = new Lbfgs(new Lbfgs.Options(1.0, 20, 1e-7, 1e-9, false, 25));
            losses.add(lbfgs.start(x, objective).loss());
            for (int i = 0; i < iterations && !lbfgs.converged(); i++) {
                losses.add(lbfgs.iterate(x, objective).loss());
            }
        }
        return losses;
    }

    static double cosine(float[] a, float[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
        }
        return ab / Math.sqrt(aa * bb);
    }
}
