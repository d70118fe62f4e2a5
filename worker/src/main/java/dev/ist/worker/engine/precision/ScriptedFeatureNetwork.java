package dev.ist.worker.engine.precision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ist.common.job.Pooling;
import dev.ist.common.job.Precision;
import dev.ist.common.job.VggLayerNames;
import dev.ist.worker.engine.FeatureNetwork;
import dev.ist.worker.engine.Preprocessing;
import dev.ist.worker.engine.Vgg19Weights;

import java.util.Collection;
import java.util.Map;

/**
 * {@link ScriptedVgg19} behind the engine's {@link FeatureNetwork} seam: the weights' input preprocessing (as the fp32
 * network applies it, differentiably), then the module in the precision set last with {@link #precision(Precision)}.
 * The objectives are unchanged; whoever drives the run (the engine, through {@link Bf16Fallback}) switches the
 * precision between evaluations. Not thread-safe, like the engine.
 */
public final class ScriptedFeatureNetwork implements FeatureNetwork {
    private final ScriptedVgg19 module;
    private final Pooling pooling;
    private final NDArray inputScale;
    private final NDArray inputShift;
    private final boolean bgr;
    private final int[] outChannels = new int[VggLayerNames.all().size()];
    private Precision precision;

    /**
     * @param module   the loaded module (the caller's: it may serve several poolings)
     * @param manager  owns the preprocessing constants
     * @param start    FP32 or BF16
     */
    public ScriptedFeatureNetwork(ScriptedVgg19 module, Vgg19Weights weights, NDManager manager, Pooling pooling,
                                  Precision start) {
        this.module = module;
        this.pooling = pooling;
        precision(start);
        Preprocessing p = weights.preprocessing();
        this.inputScale = manager.create(p.unitScale(), new Shape(1, 3, 1, 1));
        this.inputShift = manager.create(p.unitShift(), new Shape(1, 3, 1, 1));
        this.bgr = p.bgr();
        int channels = 3;
        for (int i = 0; i < outChannels.length; i++) {
            if (VggLayerNames.isConv(i) && weights.weight(i) != null) {
                channels = (int) weights.weight(i).shape()[0];
            }
            outChannels[i] = channels;
        }
    }

    /** The precision of the next forward passes: FP32 or BF16. */
    public void precision(Precision p) {
        if (p == null || p == Precision.AUTO) {
            throw new IllegalArgumentException("resolve the precision with PrecisionSelector first, got " + p);
        }
        this.precision = p;
    }

    @Override
    public Precision precision() {
        return precision;
    }

    @Override
    public Map<String, NDArray> activations(NDArray rgb, Collection<String> layers) {
        NDArray x = bgr ? rgb.flip(1) : rgb;
        return module.features(x.mul(inputScale).add(inputShift), layers, pooling, precision);
    }

    @Override
    public int channels(String layer) {
        return outChannels[VggLayerNames.featureIndex(layer)];
    }
}
