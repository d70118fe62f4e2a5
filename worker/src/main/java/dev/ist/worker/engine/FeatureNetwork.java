package dev.ist.worker.engine;

import ai.djl.ndarray.NDArray;
import dev.ist.common.job.Precision;

import java.util.Collection;
import java.util.Map;

/**
 * The seam between the objectives and the network that computes the features: forward an RGB image (or one tile of
 * it) to the layers the losses need, differentiably with respect to the image. {@link VggNetwork} is the fp32 DJL
 * implementation; another precision or runtime (a TorchScript module, bf16) plugs in here without touching the losses.
 */
public interface FeatureNetwork {

    /**
     * The activations at {@code layers} of an RGB image in [0,1] of shape (1,3,H,W), the network's own input
     * preprocessing included. Every result belongs to the image's manager; gradients flow back to the image when it
     * requires one.
     */
    Map<String, NDArray> activations(NDArray rgb, Collection<String> layers);

    /** Output channels of {@code layer}. */
    int channels(String layer);

    /** The precision its next forward passes run in (FP32 or BF16): which throughput an evaluation counts towards. */
    default Precision precision() {
        return Precision.FP32;
    }
}
