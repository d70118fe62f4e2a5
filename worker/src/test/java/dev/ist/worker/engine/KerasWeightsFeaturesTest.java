package dev.ist.worker.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import dev.ist.common.job.Pooling;
import dev.ist.worker.engine.weights.WeightsLoader;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The network built from Keras' h5 gives the same features as from the same weights in safetensors fed the same
 * (caffe) network input, and matches PyTorch's caffe-mode reference: Keras weights carry their preprocessing.
 */
class KerasWeightsFeaturesTest {

    @Test
    void kerasH5AndSafetensorsGiveIdenticalFeaturesForTheSameNetworkInput() {
        JsonObject ref = Fixtures.reference();
        int h = ref.get("height").getAsInt();
        int w = ref.get("width").getAsInt();
        List<String> layers = List.copyOf(ref.getAsJsonObject("features").keySet());
        Vgg19Weights keras = WeightsLoader.load(Fixtures.path("tiny-vgg19-keras.h5"), null);
        Vgg19Weights keras1 = WeightsLoader.load(Fixtures.path("tiny-vgg19-keras1.h5"), null);
        Vgg19Weights safe = WeightsLoader.load(Fixtures.path("tiny-vgg19.safetensors"), null);
        try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
            NDArray rgb = m.create(Fixtures.floats("x"), new Shape(1, 3, h, w));
            Map<String, NDArray> fromKeras = new VggNetwork(keras, m, Pooling.MAX).activations(rgb, layers);
            Map<String, NDArray> fromKeras1 = new VggNetwork(keras1, m, Pooling.MAX).activations(rgb, layers);
            // torchvision-style safetensors fed the caffe input Keras weights expect
            Map<String, NDArray> fromSafe = new VggNetwork(safe.withPreprocessing(Preprocessing.CAFFE), m,
                    Pooling.MAX).activations(rgb, layers);
            for (String layer : layers) {
                assertArrayEquals(fromSafe.get(layer).toFloatArray(), fromKeras.get(layer).toFloatArray(), layer);
                assertArrayEquals(fromSafe.get(layer).toFloatArray(), fromKeras1.get(layer).toFloatArray(), layer);
            }
            double err = Fixtures.maxRelativeError(fromKeras.get("conv1_1").toFloatArray(),
                    Fixtures.floats("features_caffe_conv1_1"));
            assertTrue(err < 1e-4, "Keras conv1_1 differs from PyTorch's caffe-mode reference by " + err);
            // and the preprocessing matters: fed torchvision's input the same weights give other features
            float[] torchvision = new VggNetwork(safe, m, Pooling.MAX).activations(rgb, List.of("conv1_1"))
                    .get("conv1_1").toFloatArray();
            double apart = Fixtures.maxRelativeError(torchvision, Fixtures.floats("features_caffe_conv1_1"));
            assertTrue(apart > 0.1, "caffe and torchvision inputs should differ, relative error " + apart);
        }
    }
}
