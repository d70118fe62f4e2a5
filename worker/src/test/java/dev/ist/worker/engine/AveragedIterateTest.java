package dev.ist.worker.engine;

import dev.ist.common.job.ColorTransfer;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.Optimizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Averaged iterates (EMA), per-layer style weights and HISTOGRAM colour transfer through whole transfers. */
class AveragedIterateTest {
    private static StyleTransferEngine engine;
    private static final BufferedImage CONTENT = StyleTransferEngineTest.photo(48, 36, 1);
    private static final BufferedImage STYLE = StyleTransferEngineTest.photo(40, 40, 2);

    @BeforeAll
    static void load() {
        engine = Fixtures.tinyEngine();
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private static TransferSpec.Builder spec() {
        return TransferSpec.builder().content(CONTENT).style(STYLE).size(48).iterations(8).styleWeight(1000)
                .optimizer(Optimizer.ADAM);
    }

    @Test
    void withEmaTheResultIsTheAverageNotTheLastIterate() {
        TransferResult last = engine.stylize(spec().build(), null, null);
        TransferResult averaged = engine.stylize(spec().emaDecay(0.8).build(), null, null);
        int[] a = last.image().getRGB(0, 0, 48, 36, null, 0, 48);
        int[] b = averaged.image().getRGB(0, 0, 48, 36, null, 0, 48);
        assertFalse(java.util.Arrays.equals(a, b), "the average differs from the last iterate");
        // the average lags behind: it lies between the content (start) and the last iterate
        double toContent = distance(averaged.image(), CONTENT);
        assertTrue(toContent < distance(last.image(), CONTENT), "the average is nearer the start image");
    }

    private static double distance(BufferedImage a, BufferedImage b) {
        float[] x = ImageOps.toChw(a);
        float[] y = ImageOps.toChw(ImageOps.resize(b, a.getWidth(), a.getHeight()));
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += (x[i] - y[i]) * (x[i] - y[i]);
        }
        return s;
    }

    @Test
    void aCheckpointKeepsTheAverageAndResumingGivesTheUninterruptedResult() {
        TransferSpec s = spec().emaDecay(0.8).build();
        TransferResult whole = engine.stylize(s, null, null);
        AtomicInteger seen = new AtomicInteger();
        TransferCancelledException e = assertThrows(TransferCancelledException.class,
                () -> engine.stylize(s, r -> seen.incrementAndGet(), () -> seen.get() >= 4));
        EngineState state = EngineState.fromBytes(e.lastState().toBytes());
        assertEquals(state.image().length, state.average().length, "the checkpoint carries the average");
        TransferResult resumed = engine.stylize(s.withResumeFrom(state), null, null);
        assertArrayEquals(whole.image().getRGB(0, 0, 48, 36, null, 0, 48),
                resumed.image().getRGB(0, 0, 48, 36, null, 0, 48));
    }

    @Test
    void styleLayerWeightsFromJobOptionsWeighTheStyleTerm() {
        JobOptions options = JobOptions.builder().styleLayers(List.of("relu1_1", "relu2_1"))
                .styleLayerWeights(Map.of("relu2_1", 0.0)).build();
        TransferSpec weighted = TransferSpec.builder().options(options).content(CONTENT).style(STYLE).size(48).build();
        assertEquals(List.of(1.0, 0.0), weighted.styleLayerWeights());
        TransferSpec only1 = weighted.toBuilder().styleLayers(List.of("relu1_1")).styleLayerWeights(null).build();
        float[] x = ImageOps.toChw(StyleTransferEngineTest.photo(48, 36, 5));
        double a = ((GatysObjective.Terms) engine.evaluate(weighted, x, 48, 36, null).detail()).style();
        double b = ((GatysObjective.Terms) engine.evaluate(only1, x, 48, 36, null).detail()).style();
        assertEquals(b / 2, a, 1e-6 * b); // relu2_1 weighs 0, the mean still divides by two layers
    }

    @Test
    void histogramColourTransferChangesTheStyleTargetsAndItsCacheKey() {
        TransferSpec plain = spec().build();
        TransferSpec histogram = spec().colorTransfer(ColorTransfer.HISTOGRAM).build();
        StyleTargets a = engine.computeStyleTargets(plain.styles(), 48, plain);
        StyleTargets b = engine.computeStyleTargets(histogram.styles(), 48, histogram);
        assertFalse(a.cacheKey().equals(b.cacheKey()));
        assertFalse(java.util.Arrays.equals(a.grams().get("relu1_1"), b.grams().get("relu1_1")));
        TransferResult result = engine.stylize(histogram, null, null);
        assertTrue(Double.isFinite(result.totalLoss()));
    }
}
