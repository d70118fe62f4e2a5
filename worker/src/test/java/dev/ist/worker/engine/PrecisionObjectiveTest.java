package dev.ist.worker.engine;

import dev.ist.common.job.Precision;
import dev.ist.worker.engine.optim.Evaluation;
import dev.ist.worker.engine.precision.Bf16Fallback;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bf16 → fp32 fallback as the engine wires it: the network's precision is set per attempt. */
class PrecisionObjectiveTest {

    /** A level objective whose bf16 evaluations overflow, as a fake network in one precision would. */
    private static class OverflowingInBf16 implements LevelObjective {
        final List<Precision> evaluatedIn = new ArrayList<>();
        Precision network = Precision.BF16;

        @Override
        public Evaluation evaluate(float[] x) {
            evaluatedIn.add(network);
            double loss = network == Precision.BF16 ? Double.POSITIVE_INFINITY : 2.0;
            return new Evaluation(loss, new float[] {1f, 2f}, new GatysObjective.Terms(1, 1, 0, loss));
        }

        @Override
        public GatysObjective.Terms lossOnly(float[] x) {
            return new GatysObjective.Terms(1, 1, 0, network == Precision.BF16 ? Double.NaN : 2.0);
        }

        @Override
        public int evaluations() {
            return evaluatedIn.size();
        }

        @Override
        public void close() {
        }
    }

    /** A level objective whose evaluations are finite in any precision. */
    private static class AlwaysFinite extends OverflowingInBf16 {
        @Override
        public Evaluation evaluate(float[] x) {
            return new Evaluation(1.0, new float[] {0.5f}, new GatysObjective.Terms(1, 0, 0, 1));
        }
    }

    @Test
    void aNonFiniteBf16EvaluationIsRedoneInFp32AndTheRunStaysInFp32() {
        OverflowingInBf16 inner = new OverflowingInBf16();
        List<String> reasons = new ArrayList<>();
        Bf16Fallback fallback = new Bf16Fallback(Precision.BF16, reasons::add);
        PrecisionObjective objective = new PrecisionObjective(inner, p -> inner.network = p, fallback, 0);
        Evaluation first = objective.evaluate(new float[] {0f, 0f});
        assertEquals(2.0, first.loss(), "the fp32 redo's result is returned");
        assertEquals(List.of(Precision.BF16, Precision.FP32), inner.evaluatedIn);
        assertEquals(1, reasons.size());
        assertTrue(reasons.get(0).contains("an infinite loss"), reasons.get(0));
        objective.evaluate(new float[] {0f, 0f});
        assertEquals(List.of(Precision.BF16, Precision.FP32, Precision.FP32), inner.evaluatedIn,
                "later evaluations go straight to fp32");
        assertEquals(2.0, objective.lossOnly(new float[] {0f, 0f}).total(), "lossOnly follows the fallback too");
        assertEquals(Precision.FP32, fallback.current());
        assertEquals(1, reasons.size(), "the reason is reported once");
    }

    @Test
    void finiteBf16EvaluationsStayInBf16() {
        List<Precision> set = new ArrayList<>();
        LevelObjective finite = new AlwaysFinite();
        Bf16Fallback fallback = new Bf16Fallback(Precision.BF16, r -> { throw new AssertionError(r); });
        PrecisionObjective objective = new PrecisionObjective(finite, set::add, fallback, 0);
        objective.evaluate(new float[] {0f});
        objective.evaluate(new float[] {0f});
        assertEquals(List.of(Precision.BF16, Precision.BF16), set);
    }

    @Test
    void theFirstEvaluationsOfALevelRunInFp32ThenBf16() {
        List<Precision> set = new ArrayList<>();
        LevelObjective finite = new AlwaysFinite();
        Bf16Fallback fallback = new Bf16Fallback(Precision.BF16, r -> { throw new AssertionError(r); });
        PrecisionObjective objective = new PrecisionObjective(finite, set::add, fallback,
                PrecisionObjective.LBFGS_FP32_EVALUATIONS);
        for (int i = 0; i < 4; i++) {
            objective.evaluate(new float[] {0f});
        }
        assertEquals(List.of(Precision.FP32, Precision.FP32, Precision.BF16, Precision.BF16), set,
                "L-BFGS's first curvature pair (the start and its tiny first step) is measured in fp32");
        assertEquals(Precision.BF16, fallback.current(), "the warm-up is not a fallback");
    }
}
