package dev.ist.worker.cli;

import dev.ist.common.job.ColorTransfer;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.InitMode;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.Optimizer;
import dev.ist.common.job.OutputFormat;
import dev.ist.common.job.Pooling;
import dev.ist.common.job.Precision;
import dev.ist.common.job.StyleLoss;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The flags of {@code ist transfer} that are job options, one per {@link JobOptions} field a user sets, and their
 * mapping onto the API's model. Defaults come from {@link OptionDefaultsProvider} ({@code OptionDefaults}); the rules
 * are {@code JobValidator}'s ({@link OptionCheck}). Each field is named as the JobOptions field it sets: that is how
 * {@link OptionCheck} names a refused field by its flag. Adding an option here is a field and a line in
 * {@link #jobOptions}.
 */
final class JobOptionFlags {

    @Option(names = "--content-mask-weight", paramLabel = "K",
            description = "factor on the content weight where --content-mask is white (default ${DEFAULT-VALUE})")
    double contentMaskWeight;

    @Option(names = "--color-transfer", paramLabel = "MODE",
            description = "${COMPLETION-CANDIDATES} (LUMINANCE = --preserve-colors; default ${DEFAULT-VALUE})")
    ColorTransfer colorTransfer;

    @Option(names = "--style-loss", paramLabel = "LOSS",
            description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
    StyleLoss styleLoss;

    @Option(names = "--ema-decay", paramLabel = "D",
            description = "average the iterates with this decay and output the average; 0 = off (default ${DEFAULT-VALUE})")
    double emaDecay;

    @Option(names = "--size", description = "long side of the output in pixels (default ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--iterations", description = "iterations (default ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--optimizer", description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
    Optimizer optimizer;

    @Option(names = {"--lr", "--learning-rate"}, description = "learning rate (default 1 for lbfgs, 0.02 for adam)")
    Double learningRate;

    @Option(names = "--init", description = "content, noise or an image FILE (default ${DEFAULT-VALUE})")
    String init;

    @Option(names = "--content-weight", description = "α (default ${DEFAULT-VALUE})")
    double contentWeight;

    @Option(names = "--style-weight", description = "β (default ${DEFAULT-VALUE})")
    double styleWeight;

    @Option(names = "--tv-weight", description = "γ, total variation (default ${DEFAULT-VALUE})")
    double tvWeight;

    @Option(names = "--content-layers", split = ",", description = "content layers (default ${DEFAULT-VALUE})")
    List<String> contentLayers;

    @Option(names = "--style-layers", split = ",", description = "style layers (default ${DEFAULT-VALUE})")
    List<String> styleLayers;

    @Option(names = "--style-layer-weights", split = ",", paramLabel = "LAYER=W",
            description = "weights on the style layers, e.g. relu1_1=0.5,relu5_1=2 (others 1), or one number per layer")
    List<String> styleLayerWeights;

    @Option(names = "--style-scale", description = "style image size relative to the output (default ${DEFAULT-VALUE})")
    double styleScale;

    @Option(names = "--pooling", description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
    Pooling pooling;

    @Option(names = "--precision", description = "${COMPLETION-CANDIDATES}; AUTO = whichever this machine measures "
            + "faster (bf16 must be ist.precision.margin = 1.2x as fast; measured once, then cached) "
            + "(default ${DEFAULT-VALUE})")
    Precision precision;

    @Option(names = "--preserve-colors",
            description = "transfer on luminance only and keep the content's colours (= --color-transfer luminance)")
    boolean preserveColors;

    @Option(names = "--multiscale", description = "coarse-to-fine pyramid up to --size")
    boolean multiScale;

    @Option(names = "--seed", description = "seed for noise init (default ${DEFAULT-VALUE})")
    long seed;

    /**
     * The options in the API's model: what a JSON submit of the same choices carries.
     *
     * @param format      the output's format (from the output file's name)
     * @param contentMask the content mask file, or null
     */
    JobOptions jobOptions(OutputFormat format, Path contentMask) {
        JobOptions.Builder b = JobOptions.builder()
                .size(size).iterations(iterations)
                .contentWeight(contentWeight).styleWeight(styleWeight).tvWeight(tvWeight)
                .contentLayers(contentLayers).styleLayers(styleLayers)
                .styleLayerWeights(StyleArguments.layerWeights(styleLayerWeights, styleLayers))
                .optimizer(optimizer).learningRate(learningRate).seed(seed)
                .preserveColors(preserveColors).colorTransfer(colorTransfer).multiScale(multiScale)
                .styleScale(styleScale).pooling(pooling).outputFormat(format)
                .contentMask(contentMask == null ? null : OptionCheck.ref(contentMask))
                .contentMaskWeight(contentMaskWeight).styleLoss(styleLoss).emaDecay(emaDecay).precision(precision);
        switch (init.toLowerCase(Locale.ROOT)) {
            case "content" -> b.init(InitMode.CONTENT);
            case "noise" -> b.init(InitMode.NOISE);
            default -> b.init(InitMode.IMAGE).initImage(initImageRef());
        }
        return b.build();
    }

    private ImageRef initImageRef() {
        return OptionCheck.ref(Path.of(init));
    }
}
