package dev.ist.worker.engine;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.ist.common.job.Pooling;
import dev.ist.worker.engine.optim.Evaluation;
import dev.ist.worker.engine.optim.Lbfgs;
import dev.ist.worker.engine.optim.Objective;
import dev.ist.worker.engine.weights.WeightsLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine's objective + L-BFGS follow torch.optim.LBFGS on the tiny net's style problem. */
class LbfgsStyleTrajectoryTest {
    private static StyleTransferEngine engine;

    @BeforeAll
    static void load() {
        engine = new StyleTransferEngine(WeightsLoader.load(Fixtures.path("tiny-vgg19-legacy.pth"), null), "cpu");
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @Test
    void fixedStepLossesMatchTorch() {
        run(Fixtures.reference().getAsJsonObject("lbfgs_style"), false);
    }

    @Test
    void strongWolfeLossesMatchTorch() {
        run(Fixtures.reference().getAsJsonObject("lbfgs_style_wolfe"), true);
    }

    private void run(JsonObject fixture, boolean wolfe) {
        JsonObject problem = Fixtures.reference().getAsJsonObject("style_problem");
        int h = problem.get("height").getAsInt();
        int w = problem.get("width").getAsInt();
        TransferSpec spec = TinyVggTest.specBuilder().contentWeight(problem.get("alpha").getAsDouble())
                .styleWeight(problem.get("beta").getAsDouble()).tvWeight(problem.get("gamma").getAsDouble()).build();
        float[] content = Fixtures.floats(problem.getAsJsonArray("content"));
        StyleTargets targets = engine.gramTargets(List.of(Fixtures.floats(problem.getAsJsonArray("style"))),
                List.of(new int[] {w, h}), List.of(1.0), Math.max(w, h), spec, "k");
        List<Double> losses = new ArrayList<>();
        int history = fixture.getAsJsonObject("options").get("history_size").getAsInt();
        try (GatysObjective objective = new GatysObjective(engine.network(Pooling.MAX), engine.manager(), spec, content,
                w, h, targets)) {
            Objective recording = v -> {
                Evaluation e = objective.evaluate(v);
                losses.add(e.loss());
                return e;
            };
            float[] x = content.clone();
            Lbfgs lbfgs = new Lbfgs(new Lbfgs.Options(1.0, history, 1e-7, 1e-9, wolfe, 25));
            lbfgs.start(x, recording);
            for (int i = 0; i < fixture.get("steps").getAsInt() && !lbfgs.converged(); i++) {
                lbfgs.iterate(x, recording);
            }
        }
        JsonArray evals = fixture.getAsJsonArray("evaluations");
        assertTrue(losses.size() >= evals.size());
        for (int i = 0; i < evals.size(); i++) {
            double expected = evals.get(i).getAsJsonObject().get("loss").getAsDouble();
            // float32 differences between libtorch builds grow a little along the trajectory
            assertEquals(expected, losses.get(i), (i < 3 ? 1e-4 : 2e-2) * expected, "loss of evaluation " + i);
        }
    }
}
