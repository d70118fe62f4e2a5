package dev.ist.worker.engine;

import dev.ist.common.job.InitMode;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.Optimizer;
import dev.ist.common.job.OptionDefaults;
import dev.ist.common.job.Pooling;
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
        assertEquals(Optimizer.LBFGS, spec.optimizer());
        assertEquals(1.0, spec.learningRate());
    }

    @Test
    void aJobsDefaultOptionsAreTheEnginesDefaults() {
        TransferSpec fromApi = valid().options(JobOptions.defaults()).build();
        TransferSpec engine = valid().build();
        assertEquals(engine.size(), fromApi.size());
        assertEquals(OptionDefaults.SIZE, fromApi.size());
        assertEquals(engine.iterations(), fromApi.iterations());
        assertEquals(engine.styleWeight(), fromApi.styleWeight());
        assertEquals(engine.contentLayers(), fromApi.contentLayers());
        assertEquals(engine.styleLayers(), fromApi.styleLayers());
        assertEquals(engine.optimizer(), fromApi.optimizer());
        assertEquals(engine.learningRate(), fromApi.learningRate());
        assertEquals(engine.init(), fromApi.init());
        assertEquals(engine.pooling(), fromApi.pooling());
        assertEquals(engine.styleScale(), fromApi.styleScale());
    }

    @Test
    void jobOptionsReachTheSpecUnchanged() {
        JobOptions o = JobOptions.builder().size(200).iterations(7).optimizer(Optimizer.ADAM).pooling(Pooling.AVG)
                .init(InitMode.NOISE).seed(9).styleLayers(List.of("relu2_1")).preserveColors(true).build();
        TransferSpec spec = valid().options(o).build();
        assertEquals(200, spec.size());
        assertEquals(7, spec.iterations());
        assertEquals(Optimizer.ADAM, spec.optimizer());
        assertEquals(OptionDefaults.learningRate(Optimizer.ADAM), spec.learningRate());
        assertEquals(Pooling.AVG, spec.pooling());
        assertEquals(InitMode.NOISE, spec.init());
        assertEquals(9, spec.seed());
        assertEquals(List.of("relu2_1"), spec.styleLayers());
        assertTrue(spec.preserveColors());
        assertMessage(() -> valid().options(o.toBuilder().init(InitMode.IMAGE).build()).build(), "init image");
    }

    @Test
    void aSpecIsImagesTheJobsOptionsAndTheEnginesTuning() {
        JobOptions o = JobOptions.builder().size(96).iterations(3).optimizer(Optimizer.ADAM).learningRate(0.5)
                .styleLayers(List.of("relu1_1", "relu2_1")).styleLayerWeights(java.util.Map.of("relu2_1", 2.0))
                .build();
        TransferSpec spec = valid().options(o).lbfgsHistory(7).tileSize(128).build();
        assertEquals(o, spec.options(), "the job's options are kept as they are");
        assertEquals(List.of(1.0, 2.0), spec.styleLayerWeights());
        assertEquals(new EngineTuning(7, false, 1e-7, 1e-9, 128, false, 128, TransferSpec.DEFAULT_TILE_HALO),
                spec.tuning());
        assertEquals(EngineTuning.defaults(), valid().build().tuning());
        TransferSpec copy = spec.withStyleTargets(List.of());
        assertEquals(spec.options(), copy.options());
        assertEquals(spec.tuning(), copy.tuning());
        assertEquals(0.5, copy.learningRate());
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
