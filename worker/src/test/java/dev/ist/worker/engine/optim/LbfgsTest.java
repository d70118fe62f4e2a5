package dev.ist.worker.engine.optim;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.ist.worker.engine.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** L-BFGS against torch.optim.LBFGS on the Rosenbrock function: same evaluation points, in order. */
class LbfgsTest {

    /** Rosenbrock in float32, as the fixture computes it. */
    static Evaluation rosenbrock(float[] v) {
        float loss = 0;
        float[] g = new float[v.length];
        for (int i = 0; i + 1 < v.length; i++) {
            float a = v[i + 1] - v[i] * v[i];
            float b = 1 - v[i];
            loss += 100 * a * a + b * b;
            g[i] += -400 * a * v[i] - 2 * b;
            g[i + 1] += 200 * a;
        }
        return new Evaluation(loss, g, null);
    }

    @Test
    void fixedStepTrajectoryMatchesTorch() {
        compare(Fixtures.reference().getAsJsonObject("lbfgs_rosenbrock"), false);
    }

    @Test
    void strongWolfeTrajectoryMatchesTorch() {
        compare(Fixtures.reference().getAsJsonObject("lbfgs_rosenbrock_wolfe"), true);
    }

    private static void compare(JsonObject fixture, boolean wolfe) {
        int steps = fixture.get("steps").getAsInt();
        int history = fixture.getAsJsonObject("options").get("history_size").getAsInt();
        float[] x = Fixtures.floats(fixture.getAsJsonArray("x0"));
        List<float[]> points = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        Objective f = v -> {
            points.add(v.clone());
            Evaluation e = rosenbrock(v);
            losses.add(e.loss());
            return e;
        };
        Lbfgs lbfgs = new Lbfgs(new Lbfgs.Options(1.0, history, 1e-7, 1e-9, wolfe, 25));
        lbfgs.start(x, f);
        for (int i = 0; i < steps && !lbfgs.converged(); i++) {
            lbfgs.iterate(x, f);
        }
        JsonArray evals = fixture.getAsJsonArray("evaluations");
        // torch does not evaluate after its last step; we do (it is the next iteration's start)
        assertTrue(losses.size() >= evals.size(), "evaluations: " + losses.size() + " < torch's " + evals.size());
        // past ~20 evaluations the fixed-step run on this valley is chaotic (a float ulp changes later steps)
        int compared = wolfe ? evals.size() : Math.min(evals.size(), 20);
        for (int i = 0; i < compared; i++) {
            JsonObject e = evals.get(i).getAsJsonObject();
            double expected = e.get("loss").getAsDouble();
            // float32 rounding (torch's sdot vs our double sums) is amplified on this ill-conditioned
            // valley late in the run: tight at first, looser after 15 evaluations
            double tolerance = i < 15 ? 1e-4 : 2e-2;
            assertEquals(expected, losses.get(i), tolerance * Math.abs(expected) + 1e-5, "loss of evaluation " + i);
            float[] px = Fixtures.floats(e.getAsJsonArray("x"));
            for (int k = 0; k < px.length; k++) {
                assertEquals(px[k], points.get(i)[k], i < 15 ? 1e-4 : 2e-2, "x[" + k + "] of evaluation " + i);
            }
        }
        if (!wolfe) {
            return;
        }
        float[] finalX = Fixtures.floats(fixture.getAsJsonArray("final_x"));
        for (int k = 0; k < finalX.length; k++) {
            assertEquals(finalX[k], x[k], 2e-2, "final x[" + k + "]");
        }
    }

    @Test
    void firstStepIsScaledByTheGradientL1Norm() {
        float[] x = {3f, -4f};
        Objective quadratic = v -> new Evaluation(v[0] * v[0] + v[1] * v[1], new float[] {2 * v[0], 2 * v[1]}, null);
        Lbfgs lbfgs = new Lbfgs(new Lbfgs.Options(1.0, 10, 1e-7, 1e-9, false, 25));
        lbfgs.start(x, quadratic);
        lbfgs.iterate(x, quadratic);
        // g = (6, -8), |g|₁ = 14, t = 1/14: x = (3 - 6/14, -4 + 8/14)
        assertEquals(3 - 6.0 / 14, x[0], 1e-6);
        assertEquals(-4 + 8.0 / 14, x[1], 1e-6);
    }

    @Test
    void stopsWhenTheGradientIsBelowTolerance() {
        float[] x = {0f, 0f};
        Objective flat = v -> new Evaluation(1.0, new float[] {0f, 0f}, null);
        Lbfgs lbfgs = new Lbfgs(Lbfgs.Options.torchDefaults());
        lbfgs.start(x, flat);
        assertTrue(lbfgs.converged());
        assertEquals("gradient below tolerance", lbfgs.stopReason());
    }

    @Test
    void cubicInterpolationFindsTheMinimumOfACubic() {
        // f(t) = (t - 1)², f(0) = 1, f'(0) = -2, f(3) = 4, f'(3) = 4: minimum at 1
        assertEquals(1.0, Lbfgs.cubicInterpolate(0, 1, -2, 3, 4, 4, Double.NaN, Double.NaN), 1e-9);
        // bounds clamp the result
        assertEquals(2.0, Lbfgs.cubicInterpolate(0, 1, -2, 3, 4, 4, 2.0, 5.0), 1e-9);
    }

    @Test
    void adamFirstStepMovesEachCoordinateByTheLearningRate() {
        Adam adam = new Adam(0.1);
        float[] x = {1f, 1f};
        adam.step(x, new float[] {0.5f, -2f});
        assertEquals(0.9, x[0], 1e-6);
        assertEquals(1.1, x[1], 1e-6);
        Adam restored = new Adam(0.1);
        restored.restore(adam.stateBytes(), 2);
        assertEquals(1, restored.stepCount());
    }
}
