package dev.ist.worker.engine;

import dev.ist.common.capacity.TilePlan;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.Optimizer;
import dev.ist.common.job.Precision;
import dev.ist.worker.engine.optim.Evaluation;
import dev.ist.worker.engine.precision.Bf16Fallback;
import dev.ist.worker.engine.precision.CpuFeatures;
import dev.ist.worker.engine.precision.PrecisionSelector;
import dev.ist.worker.engine.weights.WeightsLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The precision a spec asks for is the one that runs: BF16 through the TorchScript network (untiled, tiled,
 * multi-scale, cancelled and resumed), FP32 and specs naming none through the engine's own network, exactly as before.
 * bf16 runs on any CPU (PyTorch emulates it where the hardware lacks it, only slower); what AUTO picks depends on the
 * CPU, and the test says which it found.
 */
class PrecisionEngineTest {
    private static StyleTransferEngine engine;
    private static final BufferedImage CONTENT = StyleTransferEngineTest.photo(48, 36, 1);
    private static final BufferedImage STYLE = StyleTransferEngineTest.photo(40, 40, 2);

    @BeforeAll
    static void load() {
        engine = new StyleTransferEngine(WeightsLoader.load(Fixtures.path("tiny-vgg19-zip.pth"), null), "cpu");
        System.out.println("PrecisionEngineTest: CPU bf16 hardware " + CpuFeatures.detect() + "; bf16 runs "
                + (CpuFeatures.detect().hasBf16() ? "on it" : "emulated by PyTorch (slower, same results)"));
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private static TransferSpec.Builder spec() {
        return TransferSpec.builder().content(CONTENT).style(STYLE).size(48).iterations(6).styleWeight(1000);
    }

    @Test
    void aBf16SpecRunsInBf16AndEndsCloseToTheFp32Run() {
        TransferResult fp32 = engine.stylize(spec().precision(Precision.FP32).build(), null, null);
        TransferResult bf16 = engine.stylize(spec().precision(Precision.BF16).build(), null, null);
        assertEquals(Precision.FP32, fp32.precision());
        assertEquals(Precision.BF16, bf16.precision());
        assertNull(bf16.precisionFallback());
        assertNotEquals(fp32.totalLoss(), bf16.totalLoss(), "bit-identical losses: the bf16 network did not run");
        // a 4-8 channel network is harsher on bf16 than VGG19 (fewer terms average the rounding out)
        assertEquals(fp32.totalLoss(), bf16.totalLoss(), 0.1 * fp32.totalLoss());
    }

    @Test
    void aSpecNamingNoPrecisionRunsInTheEngineDefault() {
        TransferResult unnamed = engine.stylize(spec().build(), null, null);
        TransferResult fp32 = engine.stylize(spec().precision(Precision.FP32).build(), null, null);
        assertEquals(Precision.FP32, unnamed.precision(), "the engine's default is fp32 unless it is given another");
        assertEquals(fp32.totalLoss(), unnamed.totalLoss(), 0.0, "fp32 is the engine's own network, unchanged");
        try (StyleTransferEngine bf16Default = new StyleTransferEngine(engine.weights(), "cpu",
                EngineSettings.defaults(), Precision.BF16)) {
            assertEquals(Precision.BF16, bf16Default.stylize(spec().build(), null, null).precision());
            assertEquals(Precision.FP32,
                    bf16Default.stylize(spec().precision(Precision.FP32).build(), null, null).precision(),
                    "the spec's own precision wins over the engine's default");
        }
    }

    @Test
    void autoPicksWhatTheSelectorPicksForThisCpu() {
        PrecisionSelector.Choice expected = PrecisionSelector.select(Precision.AUTO, CpuFeatures.detect(), null);
        System.out.println("PrecisionEngineTest: AUTO on this CPU → " + expected.precision() + " (" + expected.reason()
                + ")");
        TransferSpec auto = spec().precision(Precision.AUTO).build();
        assertEquals(expected, engine.precisionFor(auto));
        assertEquals(expected.precision(), engine.stylize(auto, null, null).precision());
    }

    @Test
    void aTiledBf16LevelRunsInBf16CloseToTheTiledFp32One() {
        BufferedImage content = StyleTransferEngineTest.photo(160, 120, 3);
        TransferSpec.Builder b = TransferSpec.builder().content(content).style(STYLE).size(160).iterations(3)
                .styleWeight(1000).tileSize(64).tileHalo(32);
        assertTrue(engine.plan(b.build()).get(0).tiled(), "the level must be tiled for this test");
        TransferResult fp32 = engine.stylize(b.precision(Precision.FP32).build(), null, null);
        TransferResult bf16 = engine.stylize(b.precision(Precision.BF16).build(), null, null);
        assertEquals(Precision.BF16, bf16.precision());
        assertNotEquals(fp32.totalLoss(), bf16.totalLoss());
        assertTrue(Double.isFinite(bf16.totalLoss()));
        // closeness is a property of one evaluation: three L-BFGS steps on a 4-8 channel network amplify bf16's
        // rounding by a CPU-dependent amount (within 10 % on an AMX Xeon, 28 % on an AVX512-BF16 EPYC)
        TransferSpec spec = b.optimizer(Optimizer.ADAM).build(); // Adam's levels run bf16 from the first evaluation
        TilePlan plan = engine.plan(spec).get(0).tiles();
        float[] x = ImageOps.toChw(StyleTransferEngineTest.photo(160, 120, 5));
        float[] pixels = ImageOps.toChw(ImageOps.resize(content, 160, 120));
        StyleTargets targets = engine.computeStyleTargets(spec.styles(), 160, spec);
        Evaluation[] at = new Evaluation[2];
        Precision[] precisions = {Precision.FP32, Precision.BF16};
        for (int i = 0; i < 2; i++) {
            Bf16Fallback stay = new Bf16Fallback(precisions[i], r -> { throw new AssertionError(r); });
            try (LevelObjective objective = engine.objective(spec, pixels, 160, 120, targets, plan, stay,
                    TiledGatysObjective.NEVER)) {
                at[i] = objective.evaluate(x);
            }
        }
        assertEquals(at[0].loss(), at[1].loss(), 0.1 * at[0].loss(), "tiled loss, bf16 against fp32");
        double cosine = TiledObjectiveAccuracyTest.cosine(at[0].gradient(), at[1].gradient());
        assertTrue(cosine > 0.95, "tiled gradient direction, bf16 against fp32: cosine " + cosine);
    }

    @Test
    void multiScaleBf16RunsEveryLevel() {
        List<IterationReport> reports = new ArrayList<>();
        TransferResult r = engine.stylize(spec().size(64).minScaleLongSide(16).multiScale(true).iterations(6)
                .precision(Precision.BF16).build(), reports::add, null);
        assertEquals(Precision.BF16, r.precision());
        assertEquals(2, reports.get(0).scaleCount());
        assertEquals(6, reports.get(reports.size() - 1).iteration());
        assertTrue(Double.isFinite(r.totalLoss()));
    }

    @Test
    void aCancelledBf16RunResumesInBf16WithoutRestartingTheCount() {
        AtomicInteger seen = new AtomicInteger();
        TransferSpec s = spec().optimizer(Optimizer.ADAM).iterations(6).precision(Precision.BF16).build();
        TransferCancelledException e = assertThrows(TransferCancelledException.class,
                () -> engine.stylize(s, r -> seen.incrementAndGet(), () -> seen.get() >= 3));
        EngineState state = e.lastState();
        assertEquals(2, state.iteration());
        List<Integer> iterations = new ArrayList<>();
        TransferResult result = engine.stylize(s.withResumeFrom(state), r -> iterations.add(r.iteration()), null);
        assertEquals(List.of(2, 3, 4, 5, 6), iterations);
        assertEquals(Precision.BF16, result.precision());
    }

    @Test
    void theJobOptionsPrecisionReachesTheSpecAndSurvivesACopy() {
        JobOptions o = JobOptions.builder().precision(Precision.BF16).build();
        TransferSpec s = TransferSpec.builder().options(o).content(CONTENT).style(STYLE).build();
        assertEquals(Precision.BF16, s.precision());
        assertEquals(Precision.BF16, s.withResumeFrom(null).precision());
        assertNull(TransferSpec.builder().options(JobOptions.defaults()).content(CONTENT).style(STYLE).build()
                .precision(), "a job naming no precision leaves it to the worker");
    }
}
