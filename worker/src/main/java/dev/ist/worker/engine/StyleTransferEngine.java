package dev.ist.worker.engine;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The Gatys et al. optimisation on DJL's PyTorch engine. One instance holds the network on one
 * device; {@link #stylize} may be called many times, one call at a time (not thread-safe).
 */
public final class StyleTransferEngine implements AutoCloseable {

    /** Loads the network onto the device chosen by {@link DeviceSelector} ("auto", "cpu", "gpu", "gpu:N"). */
    public StyleTransferEngine(Vgg19Weights weights, String device) {
        throw new UnsupportedOperationException("engine implementation in progress");
    }

    /**
     * Runs one transfer. Reports every iteration (0 = initial image, last = final image) to
     * {@code listener}; checks {@code cancelled} once per iteration and throws
     * {@link TransferCancelledException} carrying the last state when it turns true.
     */
    public TransferResult stylize(TransferSpec spec, IterationListener listener, BooleanSupplier cancelled) {
        throw new UnsupportedOperationException("engine implementation in progress");
    }

    /** Gram targets of the blended styles for an output of {@code outputLongSide} pixels. */
    public StyleTargets computeStyleTargets(List<BufferedImage> styles, List<Double> weights, int outputLongSide,
                                            TransferSpec spec) {
        throw new UnsupportedOperationException("engine implementation in progress");
    }

    /** The device in use, e.g. "cpu" or "gpu:0". */
    public String device() {
        throw new UnsupportedOperationException("engine implementation in progress");
    }

    public Vgg19Weights weights() {
        throw new UnsupportedOperationException("engine implementation in progress");
    }

    @Override
    public void close() {
    }
}
