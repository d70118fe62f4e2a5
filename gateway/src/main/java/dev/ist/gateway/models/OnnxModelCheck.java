package dev.ist.gateway.models;

import dev.ist.common.model.InvalidModelException;
import dev.ist.common.model.OnnxStyleNetwork;
import jakarta.inject.Singleton;

/**
 * Proves at upload that an ONNX file will work on the workers: it is loaded with the very loader the workers use
 * ({@link OnnxStyleNetwork}, DJL's ONNX Runtime), must have one 1×3×H×W input, and one {@code side}² image is run through
 * it, which must come back as 1×3×side×side. Anything else is an {@link InvalidModelException} with the reason, so a
 * bad model is refused here and never reaches a job.
 */
@Singleton
public class OnnxModelCheck {

    public void check(byte[] onnx, int side) throws InvalidModelException {
        try (OnnxStyleNetwork ignored = OnnxStyleNetwork.load("upload", onnx, side)) {
            // loading probes the network; nothing else to do with it here
        }
    }
}
