package dev.ist.common.job;

import java.util.List;

/**
 * The one set of defaults of a transfer's options, read by the API ({@link JobOptions#defaults()}, hence every field
 * a JSON submit leaves out), the engine (its spec builder) and the command line ({@code ist transfer}'s defaults).
 * The paper's choices: conv4_2 for content, relu1_1 … relu5_1 for style, L-BFGS from the content image.
 */
public final class OptionDefaults {

    public static final int SIZE = 512;
    public static final int ITERATIONS = 500;
    public static final double CONTENT_WEIGHT = 1.0;
    public static final double STYLE_WEIGHT = 1.0e5;
    public static final double TV_WEIGHT = 0.0;
    public static final List<String> CONTENT_LAYERS = List.of("conv4_2");
    public static final List<String> STYLE_LAYERS = List.of("relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1");
    public static final Optimizer OPTIMIZER = Optimizer.LBFGS;
    public static final InitMode INIT = InitMode.CONTENT;
    public static final long SEED = 0L;
    public static final boolean PRESERVE_COLORS = false;
    public static final boolean MULTI_SCALE = false;
    public static final double STYLE_SCALE = 1.0;
    public static final Pooling POOLING = Pooling.MAX;
    public static final OutputFormat OUTPUT_FORMAT = OutputFormat.PNG;
    public static final JobMode MODE = JobMode.OPTIMIZE;
    /** How strongly the content weight is raised where a content mask is white (1 = not at all). */
    public static final double CONTENT_MASK_WEIGHT = 5.0;
    public static final ColorTransfer COLOR_TRANSFER = ColorTransfer.NONE;
    public static final StyleLoss STYLE_LOSS = StyleLoss.GRAM;
    /** Decay of the averaged iterate (exponential moving average of the image); 0 = off, the last iterate is the result. */
    public static final double EMA_DECAY = 0.0;
    /** The network's arithmetic when neither the job nor the worker names one: bf16 only where it is faster. */
    public static final Precision PRECISION = Precision.AUTO;

    private OptionDefaults() {
    }

    /** The step size when a job sets none: 1 for L-BFGS (its line search scales it), 0.02 for Adam on [0,1] pixels. */
    public static double learningRate(Optimizer optimizer) {
        return optimizer == Optimizer.ADAM ? 0.02 : 1.0;
    }
}
