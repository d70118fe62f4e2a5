package dev.ist.worker.engine;

import dev.ist.common.job.VggLayerNames;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The convolution weights of VGG19's {@code features}, keyed as torchvision names them
 * ({@code features.0.weight}, {@code features.0.bias}, ...), with the preprocessing they expect and
 * where they came from. Any channel counts are accepted as long as consecutive layers chain, so tiny
 * VGG-shaped networks run the same code path. Load with {@link dev.ist.worker.engine.weights.WeightsLoader},
 * resolve the default with {@link dev.ist.worker.engine.weights.WeightsResolver}, or ask for a seeded
 * random network by name with {@link dev.ist.worker.engine.weights.RandomWeights}.
 */
public final class Vgg19Weights {
    /** One tensor: row-major float data with its shape. */
    public record Tensor(long[] shape, float[] data) {
        public long numel() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private final Map<String, Tensor> tensors;
    private final Preprocessing preprocessing;
    private final String description;
    private final String sha256;

    public Vgg19Weights(Map<String, Tensor> tensors, Preprocessing preprocessing, String description, String sha256) {
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        this.preprocessing = preprocessing;
        this.description = description;
        this.sha256 = sha256;
    }

    public Map<String, Tensor> tensors() {
        return tensors;
    }

    public Preprocessing preprocessing() {
        return preprocessing;
    }

    /** Human description, e.g. the file path or "random(seed=1)". */
    public String description() {
        return description;
    }

    /** SHA-256 (hex) of the file, or of the generated tensors for random weights. */
    public String sha256() {
        return sha256;
    }

    public Vgg19Weights withPreprocessing(Preprocessing p) {
        return new Vgg19Weights(tensors, p, description, sha256);
    }

    /** The weight of features.{index}, or null when absent. */
    public Tensor weight(int featureIndex) {
        return tensors.get("features." + featureIndex + ".weight");
    }

    public Tensor bias(int featureIndex) {
        return tensors.get("features." + featureIndex + ".bias");
    }

    /**
     * The number of leading convolutions present and chained correctly (3x3 kernels, input channels =
     * previous output channels, first input = 3); throws {@link WeightsException} on a broken chain.
     */
    public int usableConvCount() {
        int inChannels = 3;
        int count = 0;
        for (int index : VggLayerNames.convIndices()) {
            Tensor w = weight(index);
            Tensor b = bias(index);
            if (w == null) {
                break;
            }
            long[] s = w.shape();
            if (s.length != 4 || s[1] != inChannels || s[2] != 3 || s[3] != 3) {
                throw new WeightsException("weights " + description + ": features." + index
                        + ".weight has shape " + java.util.Arrays.toString(s) + ", expected [C, " + inChannels
                        + ", 3, 3]");
            }
            if (b == null || b.shape().length != 1 || b.shape()[0] != s[0]) {
                throw new WeightsException("weights " + description + ": features." + index
                        + ".bias is missing or does not match " + s[0] + " output channels");
            }
            inChannels = (int) s[0];
            count++;
        }
        if (count == 0) {
            throw new WeightsException("weights " + description
                    + " hold no VGG19 features.N.weight tensors (is this a VGG19 checkpoint?)");
        }
        return count;
    }
}
