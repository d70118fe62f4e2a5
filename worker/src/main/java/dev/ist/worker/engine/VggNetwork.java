package dev.ist.worker.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import dev.ist.common.job.Pooling;
import dev.ist.common.job.VggLayerNames;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * VGG19 {@code features} as plain tensor operations on the engine's device. Only the image may carry a
 * gradient: the weights never require one, so back-propagation computes input gradients only.
 * Forward stops at the deepest layer asked for; every result belongs to the input's manager.
 */
final class VggNetwork implements FeatureNetwork {
    /**
     * Convolutions narrower than this run padded with zero filters to this many output channels (the extra channels
     * are exactly zero and are sliced off every activation handed out). libtorch 2.7.1's CPU convolution gave wrong
     * or run-to-run different input gradients below 16 output channels (AMD EPYC, AVX512: 2-5 distinct gradients in
     * 30 identical evaluations of a 4-12 channel layer with 2 threads, some NaN; a gradient 0.63 cosine off the tiled
     * one with 1 thread), and always the same one from 16 on. VGG19's layers have 64 or more; the tests' tiny
     * networks have 4-8.
     */
    static final int MIN_CONV_CHANNELS = 16;

    private static final Shape KERNEL2 = new Shape(2, 2);
    private static final Shape STRIDE1 = new Shape(1, 1);
    private static final Shape PAD1 = new Shape(1, 1);
    private static final Shape PAD0 = new Shape(0, 0);

    private final NDArray[] convWeight = new NDArray[VggLayerNames.all().size()];
    private final NDArray[] convBias = new NDArray[VggLayerNames.all().size()];
    private final int[] outChannels = new int[VggLayerNames.all().size()];
    /** Channels each layer computes: {@link #outChannels}, or {@link #MIN_CONV_CHANNELS} for a narrow layer. */
    private final int[] computedChannels = new int[VggLayerNames.all().size()];
    private final int deepestIndex;
    private final Pooling pooling;
    private final NDArray inputScale;
    private final NDArray inputShift;
    private final boolean bgr;

    VggNetwork(Vgg19Weights weights, NDManager manager, Pooling pooling) {
        this.pooling = pooling;
        int convs = weights.usableConvCount();
        int channels = 3;
        int computed = 3;
        int deepest = -1;
        int convSeen = 0;
        for (int i = 0; i < VggLayerNames.all().size(); i++) {
            if (VggLayerNames.isConv(i)) {
                if (convSeen == convs) {
                    break;
                }
                convSeen++;
                Vgg19Weights.Tensor w = weights.weight(i);
                Vgg19Weights.Tensor b = weights.bias(i);
                int out = (int) w.shape()[0];
                int in = (int) w.shape()[1];
                int outComputed = Math.max(out, MIN_CONV_CHANNELS);
                if (outComputed == out && computed == in) {
                    convWeight[i] = manager.create(w.data(), new Shape(w.shape()));
                    convBias[i] = manager.create(b.data(), new Shape(b.shape()));
                } else {
                    convWeight[i] = manager.create(padFilters(w.data(), out, in, outComputed, computed),
                            new Shape(outComputed, computed, w.shape()[2], w.shape()[3]));
                    convBias[i] = manager.create(java.util.Arrays.copyOf(b.data(), outComputed),
                            new Shape(outComputed));
                }
                channels = out;
                computed = outComputed;
            }
            outChannels[i] = channels;
            computedChannels[i] = computed;
            deepest = i;
        }
        // relu after the last conv is available, pooling after it too
        this.deepestIndex = deepest;
        Preprocessing p = weights.preprocessing();
        this.inputScale = manager.create(p.unitScale(), new Shape(1, 3, 1, 1));
        this.inputShift = manager.create(p.unitShift(), new Shape(1, 3, 1, 1));
        this.bgr = p.bgr();
    }

    /** OIHW filters widened with zeros to {@code outTo} filters of {@code inTo} input channels. */
    private static float[] padFilters(float[] w, int out, int in, int outTo, int inTo) {
        int k = w.length / (out * in);
        float[] padded = new float[outTo * inTo * k];
        for (int o = 0; o < out; o++) {
            for (int c = 0; c < in; c++) {
                System.arraycopy(w, (o * in + c) * k, padded, (o * inTo + c) * k, k);
            }
        }
        return padded;
    }

    /** The last layer index these weights can compute. */
    int deepestIndex() {
        return deepestIndex;
    }

    @Override
    public Map<String, NDArray> activations(NDArray rgb, Collection<String> layers) {
        return features(preprocess(rgb), layers);
    }

    @Override
    public int channels(String layer) {
        return outChannels[VggLayerNames.featureIndex(layer)];
    }

    void requireLayers(Collection<String> layers, String description) {
        for (String layer : layers) {
            if (VggLayerNames.featureIndex(layer) > deepestIndex) {
                throw new InvalidSpecException("layer " + layer + " needs weights the network " + description
                        + " does not have (it stops at " + VggLayerNames.all().get(deepestIndex) + ")");
            }
        }
    }

    /** RGB [0,1] image (1,3,H,W) → the network's input space. */
    NDArray preprocess(NDArray rgb) {
        NDArray x = bgr ? rgb.flip(1) : rgb;
        return x.mul(inputScale).add(inputShift);
    }

    /** The activations at {@code layers}, running the network only as deep as needed. */
    Map<String, NDArray> features(NDArray input, Collection<String> layers) {
        int last = -1;
        for (String layer : layers) {
            last = Math.max(last, VggLayerNames.featureIndex(layer));
        }
        Map<String, NDArray> out = new HashMap<>();
        NDArray x = input;
        for (int i = 0; i <= last; i++) {
            String name = VggLayerNames.all().get(i);
            if (VggLayerNames.isConv(i)) {
                x = Conv2d.conv2d(x, convWeight[i], convBias[i], STRIDE1, PAD1, STRIDE1, 1).singletonOrThrow();
            } else if (VggLayerNames.isPool(i)) {
                x = pooling == Pooling.MAX
                        ? Pool.maxPool2d(x, KERNEL2, KERNEL2, PAD0, false)
                        : Pool.avgPool2d(x, KERNEL2, KERNEL2, PAD0, false, true);
            } else {
                x = Activation.relu(x);
            }
            if (layers.contains(name)) {
                out.put(name, computedChannels[i] == outChannels[i] ? x
                        : x.get(new NDIndex(":, 0:" + outChannels[i])));
            }
        }
        return out;
    }

    /** G = F·Fᵀ/(C·H·W) of a (1,C,H,W) activation, as one matrix product. */
    static NDArray gram(NDArray features) {
        Shape s = features.getShape();
        long c = s.get(1);
        long hw = s.get(2) * s.get(3);
        NDArray f = features.reshape(c, hw);
        return Scalars.div(f.matMul(f.transpose()), c * hw);
    }
}
