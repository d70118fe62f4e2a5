package dev.ist.worker.engine;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransferSpecTest {
    private static final BufferedImage IMG = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);

    private static TransferSpec.Builder valid() {
        return TransferSpec.builder().content(IMG).style(IMG);
    }

    @Test
    void defaultsFollowThePaper() {
        TransferSpec spec = valid().build();
        assertEquals(List.of("conv4_2"), spec.contentLayers());
        assertEquals(List.of("relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"), spec.styleLayers());
        assertEquals(List.of(1.0, 1.0, 1.0, 1.0, 1.0), spec.styleLayerWeights());
        assertEquals(OptimizerKind.LBFGS, spec.optimizer());
        assertEquals(1.0, spec.learningRate());
    }

    @Test
    void badOptionsAreRefusedWithAReason() {
        assertMessage(() -> valid().styleLayers(List.of("relu6_1")).build(), "unknown style layer 'relu6_1'");
        assertMessage(() -> valid().contentLayers(List.of("fc7")).build(), "unknown content layer 'fc7'");
        assertMessage(() -> valid().styleWeight(-1).build(), "style weight must be");
        assertMessage(() -> valid().contentWeight(Double.NaN).build(), "content weight must be");
        assertMessage(() -> valid().tvWeight(-0.1).build(), "tv weight must be");
        assertMessage(() -> valid().iterations(-5).build(), "iterations");
        assertMessage(() -> valid().size(4).build(), "size");
        assertMessage(() -> valid().styleLayerWeights(List.of(1.0)).build(), "style layer weights");
        assertMessage(() -> TransferSpec.builder().content(IMG).build(), "style image");
        assertMessage(() -> TransferSpec.builder().style(IMG).build(), "content image");
        assertMessage(() -> valid().style(IMG, -2).build(), "style weight must be");
        assertMessage(() -> valid().learningRate(0).build(), "learning rate");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable e, String fragment) {
        InvalidSpecException ex = assertThrows(InvalidSpecException.class, e);
        assertTrue(ex.getMessage().contains(fragment), ex.getMessage());
    }
}
