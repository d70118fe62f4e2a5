package dev.ist.worker.engine.precision;

import dev.ist.common.job.Precision;
import dev.ist.worker.engine.optim.Evaluation;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Bf16FallbackTest {
    private final List<Precision> calls = new ArrayList<>();
    private final List<String> reasons = new ArrayList<>();

    /** bf16 gives {@code bf16Result}, fp32 a finite evaluation; records each precision asked for. */
    private Function<Precision, Evaluation> evaluator(Evaluation bf16Result) {
        return p -> {
            calls.add(p);
            return p == Precision.BF16 ? bf16Result : new Evaluation(1.0, new float[] {0.5f, -0.5f}, "fp32");
        };
    }

    @Test
    void finiteBf16EvaluationsAreKept() {
        Bf16Fallback fallback = new Bf16Fallback(Precision.BF16, reasons::add);
        Evaluation ok = new Evaluation(2.0, new float[] {1f, 2f}, "bf16");
        assertSame(ok, fallback.evaluate(evaluator(ok)));
        assertSame(ok, fallback.evaluate(evaluator(ok)));
        assertEquals(List.of(Precision.BF16, Precision.BF16), calls);
        assertEquals(Precision.BF16, fallback.current());
        assertTrue(reasons.isEmpty());
    }

    @Test
    void aNonFiniteGradientIsRedoneInFp32AndTheRunStaysInFp32() {
        Bf16Fallback fallback = new Bf16Fallback(Precision.BF16, reasons::add);
        Evaluation bad = new Evaluation(2.0, new float[] {Float.NaN, 1f, Float.POSITIVE_INFINITY}, "bf16");
        assertEquals("fp32", fallback.evaluate(evaluator(bad)).detail());
        assertEquals(Precision.FP32, fallback.current());
        assertEquals("fp32", fallback.evaluate(evaluator(bad)).detail());
        assertEquals(List.of(Precision.BF16, Precision.FP32, Precision.FP32), calls);
        assertEquals(1, reasons.size(), "the fallback is reported once");
        assertTrue(reasons.get(0).contains("2 non-finite gradient values"), reasons.get(0));
    }

    @Test
    void anInfiniteLossAlsoFallsBack() {
        Bf16Fallback fallback = new Bf16Fallback(Precision.BF16, reasons::add);
        fallback.evaluate(evaluator(new Evaluation(Double.POSITIVE_INFINITY, new float[] {1f}, "bf16")));
        assertEquals(Precision.FP32, fallback.current());
        assertTrue(reasons.get(0).contains("an infinite loss"), reasons.get(0));
    }

    @Test
    void fp32ResultsAreNeverRetried() {
        Bf16Fallback fallback = new Bf16Fallback(Precision.FP32, reasons::add);
        Function<Precision, Evaluation> nan = p -> {
            calls.add(p);
            return new Evaluation(Double.NaN, new float[] {Float.NaN}, "fp32");
        };
        assertTrue(Double.isNaN(fallback.evaluate(nan).loss()), "fp32's own NaN goes to the caller as it is");
        assertEquals(List.of(Precision.FP32), calls);
        assertTrue(reasons.isEmpty());
    }

    @Test
    void nonFiniteDescribesWhatIsWrong() {
        assertNull(Bf16Fallback.nonFinite(1.0, new float[] {0f, -3f}));
        assertEquals("a NaN loss", Bf16Fallback.nonFinite(Double.NaN, new float[] {0f}));
        assertEquals("a NaN loss and 1 non-finite gradient value",
                Bf16Fallback.nonFinite(Double.NaN, new float[] {Float.NEGATIVE_INFINITY}));
    }

    @Test
    void autoIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Bf16Fallback(Precision.AUTO, reasons::add));
    }
}
