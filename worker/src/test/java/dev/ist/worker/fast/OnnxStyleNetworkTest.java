package dev.ist.worker.fast;

import dev.ist.common.model.InvalidModelException;
import dev.ist.common.model.OnnxStyleNetwork;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static dev.ist.worker.fast.FastModelFixtures.REF_H;
import static dev.ist.worker.fast.FastModelFixtures.REF_W;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnnxStyleNetworkTest {

    @Test
    void onnxRuntimeOutputMatchesPyTorchReferenceOfTheGeneratedModel() throws Exception {
        float[] ref = FastModelFixtures.referenceOutput();
        try (OnnxStyleNetwork s = OnnxStyleNetwork.load("tiny", FastModelFixtures.tinyStyleOnnx())) {
            float[] out = s.run(FastModelFixtures.fixedInput(REF_W, REF_H), REF_W, REF_H);
            assertEquals(ref.length, out.length);
            double maxDiff = 0;
            for (int i = 0; i < ref.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(ref[i] - out[i]));
            }
            // outputs are in [0,255]: 255 × 1e-5 of float32 rounding between two runtimes
            assertTrue(maxDiff < 2.55e-3, "max |ORT - PyTorch| = " + maxDiff);
            assertTrue(s.description().startsWith("input \"input\""), s.description());
        }
    }

    @Test
    void dynamicHeightAndWidthAreAccepted() throws Exception {
        try (OnnxStyleNetwork s = OnnxStyleNetwork.load("tiny", FastModelFixtures.tinyStyleOnnx())) {
            assertEquals(3 * 17 * 23, s.run(FastModelFixtures.fixedInput(23, 17), 23, 17).length);
        }
    }

    @Test
    void bytesThatAreNotOnnxAreRefusedWithAReason() {
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> OnnxStyleNetwork.load("junk", "this is not a model".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().startsWith("not a loadable ONNX model"), e.getMessage());
        assertThrows(InvalidModelException.class, () -> OnnxStyleNetwork.load("empty", new byte[0]));
    }

    @Test
    void aNetworkWithoutThreeOutputChannelsIsRefused() {
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> OnnxStyleNetwork.load("grey", FastModelFixtures.wrongShapeOnnx()));
        assertTrue(e.getMessage().contains("output") && e.getMessage().contains("1×3×H×W"), e.getMessage());
    }
}
