package dev.ist.worker.engine;

import dev.ist.common.job.InitMode;
import dev.ist.common.job.Optimizer;
import dev.ist.common.job.Pooling;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Behaviour of whole transfers on the tiny VGG19-shaped network (fast, same code path). */
class StyleTransferEngineTest {
    private static StyleTransferEngine engine;
    private static final BufferedImage CONTENT = photo(48, 36, 1);
    private static final BufferedImage STYLE = photo(40, 40, 2);

    @BeforeAll
    static void load() {
        engine = Fixtures.tinyEngine();
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    static BufferedImage photo(int w, int h, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int base = r.nextInt(0xffffff);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int red = (x * 255 / w + r.nextInt(30)) & 0xff;
                int green = (y * 255 / h + (base >> 8)) & 0xff;
                int blue = ((x + y) * 4 + r.nextInt(60)) & 0xff;
                img.setRGB(x, y, (red << 16) | (green << 8) | blue);
            }
        }
        return img;
    }

    private static TransferSpec.Builder spec() {
        return TransferSpec.builder().content(CONTENT).style(STYLE).size(48).iterations(6).styleWeight(1000);
    }

    @Test
    void reportsEveryIterationFromTheInitialImageToTheFinalOne() {
        List<IterationReport> reports = new ArrayList<>();
        TransferResult result = engine.stylize(spec().build(), reports::add, () -> false);
        assertEquals(7, reports.size());
        for (int i = 0; i < reports.size(); i++) {
            assertEquals(i, reports.get(i).iteration());
            assertEquals(6, reports.get(i).totalIterations());
        }
        IterationReport first = reports.get(0);
        assertEquals(0.0, first.contentLoss(), 1e-9, "iteration 0 is the content image itself");
        assertTrue(first.styleLoss() > 0);
        IterationReport last = reports.get(6);
        assertTrue(last.isFinal());
        assertEquals(last.totalLoss(), result.totalLoss(), 1e-9);
        assertTrue(last.totalLoss() < first.totalLoss(), "the loss went down");
        assertEquals(6, result.iterationsRun());
        assertEquals(48, result.image().getWidth());
        assertEquals(36, result.image().getHeight());
    }

    @Test
    void whenLbfgsConvergesEarlyItsLastReportIsMarkedFinal() {
        List<IterationReport> reports = new ArrayList<>();
        // with a huge gradient tolerance every gradient counts as small enough: L-BFGS stops at once
        engine.stylize(spec().iterations(50).toleranceGrad(1e9).build(), reports::add, () -> false);
        assertTrue(reports.size() < 51, "converged before the budget: " + reports.size() + " reports");
        assertTrue(reports.get(reports.size() - 1).isFinal());
        assertTrue(reports.stream().limit(reports.size() - 1).noneMatch(IterationReport::isFinal));
    }

    @Test
    void anImageAlreadyAtTheRequestedSizeIsNotResampled() {
        TransferResult result = engine.stylize(spec().iterations(0).build(), null, null);
        int[] expected = CONTENT.getRGB(0, 0, 48, 36, null, 0, 48);
        int[] actual = result.image().getRGB(0, 0, 48, 36, null, 0, 48);
        assertArrayEquals(expected, actual);
    }

    @Test
    void theOutputHasTheRequestedLongSide() {
        TransferResult result = engine.stylize(spec().size(32).iterations(1).build(), null, null);
        assertEquals(32, result.image().getWidth());
        assertEquals(24, result.image().getHeight());
    }

    @Test
    void theSameSeedGivesTheSameImage() {
        TransferSpec s = spec().init(InitMode.NOISE).seed(11).build();
        BufferedImage a = engine.stylize(s, null, null).image();
        BufferedImage b = engine.stylize(s, null, null).image();
        assertArrayEquals(a.getRGB(0, 0, 48, 36, null, 0, 48), b.getRGB(0, 0, 48, 36, null, 0, 48));
        BufferedImage c = engine.stylize(spec().init(InitMode.NOISE).seed(12).build(), null, null).image();
        assertFalse(java.util.Arrays.equals(a.getRGB(0, 0, 48, 36, null, 0, 48), c.getRGB(0, 0, 48, 36, null, 0, 48)));
    }

    @Test
    void colourPreservationKeepsTheContentsChroma() {
        TransferSpec.Builder b = spec().iterations(8).styleWeight(1e4);
        float[] contentChroma = ImageOps.chroma(ImageOps.toChw(CONTENT));
        double preserved = chromaDistance(engine.stylize(b.preserveColors(true).build(), null, null).image(),
                contentChroma);
        double free = chromaDistance(engine.stylize(b.preserveColors(false).build(), null, null).image(), contentChroma);
        assertTrue(preserved < 0.02, "mean chroma change with preservation: " + preserved);
        assertTrue(free > 2 * preserved, "without preservation chroma moves more: " + free + " vs " + preserved);
    }

    private static double chromaDistance(BufferedImage image, float[] reference) {
        float[] iq = ImageOps.chroma(ImageOps.toChw(image));
        double sum = 0;
        for (int i = 0; i < iq.length; i++) {
            sum += Math.abs(iq[i] - reference[i]);
        }
        return sum / iq.length;
    }

    @Test
    void cancellationCarriesAStateThatResumesWithoutRestartingTheCount() {
        AtomicInteger seen = new AtomicInteger();
        TransferSpec s = spec().optimizer(Optimizer.ADAM).iterations(6).build();
        TransferCancelledException e = assertThrows(TransferCancelledException.class,
                () -> engine.stylize(s, r -> seen.incrementAndGet(), () -> seen.get() >= 3));
        EngineState state = EngineState.fromBytes(e.lastState().toBytes());
        assertEquals(2, state.iteration());
        assertTrue(state.optimizerState().length > 0, "Adam's moments are kept");
        List<Integer> iterations = new ArrayList<>();
        TransferResult result = engine.stylize(s.withResumeFrom(state), r -> iterations.add(r.iteration()), null);
        assertEquals(List.of(2, 3, 4, 5, 6), iterations);
        assertEquals(6, result.iterationsRun());
    }

    @Test
    void resumingFromACheckpointGivesTheSameImageEveryTime() {
        for (Optimizer optimizer : Optimizer.values()) {
            TransferSpec s = spec().optimizer(optimizer).iterations(6).build();
            TransferResult whole = engine.stylize(s, null, null);
            AtomicInteger seen = new AtomicInteger();
            TransferCancelledException e = assertThrows(TransferCancelledException.class,
                    () -> engine.stylize(s, r -> seen.incrementAndGet(), () -> seen.get() >= 3));
            byte[] checkpoint = e.lastState().toBytes();
            int[] first = pixels(engine.stylize(s.withResumeFrom(EngineState.fromBytes(checkpoint)), null, null));
            int[] second = pixels(engine.stylize(s.withResumeFrom(EngineState.fromBytes(checkpoint)), null, null));
            assertArrayEquals(first, second, optimizer + ": two resumes from one checkpoint");
            if (optimizer == Optimizer.ADAM) {
                // Adam's moments are in the checkpoint (L-BFGS's curvature history is not, so it may end elsewhere)
                assertArrayEquals(pixels(whole), first, "a resumed Adam run ends where the uninterrupted one does");
            }
        }
    }

    private static int[] pixels(TransferResult r) {
        return r.image().getRGB(0, 0, r.image().getWidth(), r.image().getHeight(), null, 0, r.image().getWidth());
    }

    @Test
    void snapshotAndPreviewWorkDuringTheCallbackOnly() {
        List<IterationReport> kept = new ArrayList<>();
        engine.stylize(spec().iterations(1).build(), r -> {
            assertEquals(24, Math.max(r.preview(24).getWidth(), r.preview(24).getHeight()));
            assertEquals(r.iteration(), r.snapshot().iteration());
            kept.add(r);
        }, null);
        assertThrows(IllegalStateException.class, () -> kept.get(0).preview(10));
    }

    @Test
    void multiScaleRunsCoarseToFineWithAGlobalIterationCount() {
        List<IterationReport> reports = new ArrayList<>();
        // 64x48 → 32x24 → 16x12; relu5_1 needs a short side of 16, so the 16x12 level is dropped
        TransferResult result = engine.stylize(spec().size(64).minScaleLongSide(16).multiScale(true).iterations(8)
                .build(), reports::add, null);
        assertEquals(2, reports.get(0).scaleCount());
        assertEquals(32, Math.max(reports.get(0).width(), reports.get(0).height()));
        int previous = -1;
        int scale = 0;
        for (IterationReport r : reports) {
            assertTrue(r.iteration() > previous, "iterations strictly increase: " + r.iteration());
            assertTrue(r.scaleIndex() >= scale);
            previous = r.iteration();
            scale = r.scaleIndex();
        }
        assertEquals(8, reports.get(reports.size() - 1).iteration());
        assertEquals(1, reports.get(reports.size() - 1).scaleIndex());
        assertEquals(64, result.image().getWidth());
        assertEquals(2, result.styleTargets().size());
    }

    @Test
    void precomputedStyleTargetsAreUsedAndGiveTheSameResult() {
        TransferSpec s = spec().build();
        StyleTargets targets = engine.computeStyleTargets(List.of(STYLE), List.of(1.0), 48, s);
        TransferResult cached = engine.stylize(s.withStyleTargets(List.of(targets)), null, null);
        assertSame(targets, cached.styleTargets().get(0));
        TransferResult fresh = engine.stylize(s, null, null);
        assertEquals(targets.cacheKey(), fresh.styleTargets().get(0).cacheKey());
        assertEquals(fresh.totalLoss(), cached.totalLoss(), 1e-9);
    }

    @Test
    void blendedStylesMixTheirGramTargetsByWeight() {
        TransferSpec s = spec().build();
        BufferedImage other = photo(40, 40, 9);
        StyleTargets a = engine.computeStyleTargets(List.of(STYLE), List.of(1.0), 48, s);
        StyleTargets b = engine.computeStyleTargets(List.of(other), List.of(1.0), 48, s);
        StyleTargets mix = engine.computeStyleTargets(List.of(STYLE, other), List.of(0.7, 0.3), 48, s);
        float[] ga = a.grams().get("relu2_1");
        float[] gb = b.grams().get("relu2_1");
        float[] gm = mix.grams().get("relu2_1");
        for (int i = 0; i < gm.length; i++) {
            assertEquals(0.7 * ga[i] + 0.3 * gb[i], gm[i], 1e-5 * (Math.abs(gm[i]) + 1e-3));
        }
        assertFalse(a.cacheKey().equals(mix.cacheKey()));
    }

    @Test
    void styleScaleChangesTheStyleTargets() {
        StyleTargets full = engine.computeStyleTargets(List.of(STYLE), List.of(1.0), 48, spec().build());
        StyleTargets half = engine.computeStyleTargets(List.of(STYLE), List.of(1.0), 48, spec().styleScale(0.5).build());
        assertFalse(java.util.Arrays.equals(full.grams().get("relu1_1"), half.grams().get("relu1_1")));
    }

    @Test
    void keepBestReturnsTheLowestLossIterate() {
        List<Double> totals = new ArrayList<>();
        TransferResult result = engine.stylize(spec().keepBest(true).iterations(10).learningRate(1.5).build(),
                r -> totals.add(r.totalLoss()), null);
        double min = totals.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        assertEquals(min, result.totalLoss(), 1e-6 * Math.abs(min) + 1e-9);
    }

    @Test
    void averagePoolingAndAdamAndStrongWolfeRun() {
        TransferResult avg = engine.stylize(spec().pooling(Pooling.AVG).build(), null, null);
        TransferResult max = engine.stylize(spec().build(), null, null);
        assertNotNull(avg.image());
        assertFalse(avg.totalLoss() == max.totalLoss());
        List<Double> adam = new ArrayList<>();
        engine.stylize(spec().optimizer(Optimizer.ADAM).iterations(10).build(), r -> adam.add(r.totalLoss()), null);
        assertTrue(adam.get(10) < adam.get(0), "Adam lowers the loss: " + adam);
        TransferResult wolfe = engine.stylize(spec().strongWolfe(true).build(), null, null);
        assertTrue(wolfe.totalLoss() < engine.stylize(spec().iterations(0).build(), null, null).totalLoss());
    }

    @Test
    void aThinStyleImageIsEnlargedUntilTheDeepestLayerFits() {
        TransferResult result = engine.stylize(spec().styles(List.of(new StyleImage(photo(60, 6, 4), 1.0))).build(),
                null, null);
        assertEquals(48, result.image().getWidth());
        assertTrue(Double.isFinite(result.styleLoss()) && result.styleLoss() > 0);
    }

    @Test
    void theOutputLimitIsTheOneTheEngineWasGivenAndTheRefusalSuggestsASizeThatFits() {
        long limit = 40 * 40;
        try (StyleTransferEngine limited = new StyleTransferEngine(engine.weights(), "cpu",
                EngineSettings.defaults().withMaxOutputPixels(limit))) {
            InvalidSpecException e = assertThrows(InvalidSpecException.class,
                    () -> limited.stylize(spec().size(48).build(), null, null));
            assertTrue(e.getMessage().contains("ist.engine.max-output-pixels"), e.getMessage());
            assertFalse(e.getMessage().contains("--size"), "the front end words the hint: " + e.getMessage());
            int suggested = e.suggestedSize().orElseThrow();
            int[] out = ImageOps.scaledSize(CONTENT.getWidth(), CONTENT.getHeight(), suggested);
            assertTrue((long) out[0] * out[1] <= limit, suggested + " → " + out[0] + "x" + out[1]);
            assertTrue(suggested < 48);
        }
    }

    @Test
    void anOutputTooSmallForTheLayersIsRefused() {
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> engine.stylize(spec().size(16).build(), null, null));
        assertTrue(e.getMessage().contains("at least 16"), e.getMessage());
    }

    @Test
    void layersBeyondTheNetworkAreRefused() {
        Vgg19Weights shallow = dev.ist.worker.engine.weights.RandomWeights.create(1, new int[] {4, 4, 4}, 3);
        try (StyleTransferEngine small = new StyleTransferEngine(shallow, "cpu")) {
            InvalidSpecException e = assertThrows(InvalidSpecException.class,
                    () -> small.stylize(spec().build(), null, null));
            assertTrue(e.getMessage().contains("conv4_2"), e.getMessage());
        }
    }
}
