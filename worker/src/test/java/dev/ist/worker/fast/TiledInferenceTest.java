package dev.ist.worker.fast;

import dev.ist.common.model.OnnxStyleNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TiledInferenceTest {

    private OnnxStyleNetwork net;

    @BeforeAll
    void load() throws Exception {
        net = OnnxStyleNetwork.load("tiny", FastModelFixtures.tinyStyleOnnx());
    }

    @AfterAll
    void close() {
        net.close();
    }

    @Test
    void tiledOutputEqualsTheWholeImageOutput() {
        int w = 150;
        int h = 97;
        float[] in = FastModelFixtures.fixedInput(w, h);
        float[] whole = net.run(in, w, h);
        float[] tiled = new TiledInference(64, 32, 1).run(net::run, in, w, h);
        // the network's receptive radius (10 px) is under a quarter of the overlap, so tiles agree everywhere
        assertTrue(maxDiff(whole, tiled) < 1e-2, "max |tiled - whole| = " + maxDiff(whole, tiled));
    }

    @Test
    void blendingLeavesNoSeamWhenTilesDisagree() {
        // a "network" whose output depends on the tile (like instance normalisation): constant per tile
        int w = 200;
        int h = 64;
        float[] in = new float[3 * w * h];
        int[] calls = {0};
        float[] out = new TiledInference(64, 32, 1).run((chw, tw, th) -> {
            float v = 100f * (calls[0]++ % 2);
            float[] o = new float[chw.length];
            java.util.Arrays.fill(o, v);
            return o;
        }, in, w, h);
        assertTrue(calls[0] >= 5);
        // adjacent pixels never jump by more than a smooth ramp allows (100 over 16 px → about 10 per pixel)
        double maxStep = 0;
        for (int x = 1; x < w; x++) {
            maxStep = Math.max(maxStep, Math.abs(out[x] - out[x - 1]));
        }
        assertTrue(maxStep < 12, "largest step between neighbours " + maxStep);
        assertTrue(maxStep > 1, "tiles should differ, step " + maxStep);
    }

    @Test
    void tilesCoverTheImageAndTheLastIsFlushWithTheEdge() {
        TiledInference t = new TiledInference(64, 32, 8);
        assertEquals(List.of(0), t.origins(64));
        List<Integer> o = t.origins(150);
        assertEquals(0, o.get(0));
        assertTrue(o.get(o.size() - 1) + 64 >= 150);
        o.forEach(x -> assertEquals(0, x % 8));
    }

    @Test
    void neighbourWindowsSumToOneAcrossAnOverlap() {
        TiledInference t = new TiledInference(64, 32, 1);
        float[] left = t.window(64, false, true);
        float[] right = t.window(64, true, false);
        for (int p = 32; p < 64; p++) {
            assertEquals(1f, left[p] + right[p - 32], 1e-6f, "at " + p);
        }
    }

    private static double maxDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
