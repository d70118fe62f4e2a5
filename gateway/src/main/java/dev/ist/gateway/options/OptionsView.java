package dev.ist.gateway.options;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ist.common.job.ColorTransfer;
import dev.ist.common.job.InitMode;
import dev.ist.common.job.JobLimits;
import dev.ist.common.job.JobMode;
import dev.ist.common.job.Optimizer;
import dev.ist.common.job.OptionDefaults;
import dev.ist.common.job.OutputFormat;
import dev.ist.common.job.Pooling;
import dev.ist.common.job.Precision;
import dev.ist.common.job.StyleLoss;
import dev.ist.common.job.VggLayerNames;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each job option's default and the bounds the validator applies, read from {@link OptionDefaults} and the configured
 * {@link JobLimits} (the same objects {@code JobValidator} reads), so a client such as the page offers exactly what the
 * API accepts. Bounds use JSON Schema's words; a bound that is absent is not checked.
 */
@Schema(description = "Defaults and bounds of the job options (the 'options' object of POST /v1/jobs)")
public record OptionsView(
        @Schema(description = "numeric options by name") Map<String, NumberOption> numbers,
        @Schema(description = "options with a fixed set of values, by name") Map<String, ChoiceOption> choices,
        @Schema(description = "on/off options by name: their defaults") Map<String, Boolean> switches,
        @Schema(description = "VGG19 layer lists by name") Map<String, LayerOption> layers,
        StylesBounds styles,
        InputBounds inputs) {

    /** A number; {@code integer} when only whole numbers are valid (its values are then written as integers). */
    @Schema(description = "A numeric option: its default and the bounds the API checks")
    public record NumberOption(boolean integer,
                               @JsonProperty("default") @Schema(name = "default", description = "absent: no single "
                                       + "default (e.g. learningRate: 1 for LBFGS, 0.02 for ADAM)") Number defaultValue,
                               Number minimum, Number exclusiveMinimum, Number maximum, Number exclusiveMaximum) {
    }

    @Schema(description = "An option with a fixed set of values")
    public record ChoiceOption(@JsonProperty("default") @Schema(name = "default",
            description = "absent: the worker's own default") String defaultValue, List<String> values) {
    }

    @Schema(description = "A list of VGG19 layer names")
    public record LayerOption(@JsonProperty("default") @Schema(name = "default") List<String> defaultValue,
                              List<String> values) {
    }

    @Schema(description = "How many style images a job may have and the bounds of each one's blend weight")
    public record StylesBounds(int max, NumberOption weight) {
    }

    @Schema(description = "Bounds on each uploaded image")
    public record InputBounds(long maxBytes, long maxPixels) {
    }

    public static OptionsView of(JobLimits limits) {
        double maxWeight = limits.maxWeight();
        Map<String, NumberOption> numbers = new LinkedHashMap<>();
        numbers.put("size", whole(OptionDefaults.SIZE, limits.minSize(), limits.maxSize()));
        numbers.put("iterations", whole(OptionDefaults.ITERATIONS, JobLimits.MIN_ITERATIONS, limits.maxIterations()));
        numbers.put("contentWeight", closed(OptionDefaults.CONTENT_WEIGHT, 0, maxWeight));
        numbers.put("styleWeight", closed(OptionDefaults.STYLE_WEIGHT, 0, maxWeight));
        numbers.put("tvWeight", closed(OptionDefaults.TV_WEIGHT, 0, maxWeight));
        numbers.put("learningRate", new NumberOption(false, null, null, 0.0, JobLimits.MAX_LEARNING_RATE, null));
        numbers.put("seed", new NumberOption(true, OptionDefaults.SEED, null, null, null, null));
        numbers.put("styleScale", new NumberOption(false, OptionDefaults.STYLE_SCALE, null, 0.0,
                limits.maxStyleScale(), null));
        numbers.put("contentMaskWeight", closed(OptionDefaults.CONTENT_MASK_WEIGHT, JobLimits.MIN_CONTENT_MASK_WEIGHT,
                JobLimits.MAX_CONTENT_MASK_WEIGHT));
        numbers.put("emaDecay", new NumberOption(false, OptionDefaults.EMA_DECAY, 0.0, null, null, 1.0));
        numbers.put("styleLayerWeight", closed(1.0, 0, maxWeight));

        Map<String, ChoiceOption> choices = new LinkedHashMap<>();
        choices.put("optimizer", choice(OptionDefaults.OPTIMIZER, Optimizer.values()));
        choices.put("init", choice(OptionDefaults.INIT, InitMode.values()));
        choices.put("pooling", choice(OptionDefaults.POOLING, Pooling.values()));
        choices.put("outputFormat", choice(OptionDefaults.OUTPUT_FORMAT, OutputFormat.values()));
        choices.put("mode", choice(OptionDefaults.MODE, JobMode.values()));
        choices.put("colorTransfer", choice(OptionDefaults.COLOR_TRANSFER, ColorTransfer.values()));
        choices.put("styleLoss", choice(OptionDefaults.STYLE_LOSS, StyleLoss.values()));
        // a job without one runs in the worker's precision (ist.worker.precision): no default here
        choices.put("precision", choice(null, Precision.values()));

        Map<String, Boolean> switches = new LinkedHashMap<>();
        switches.put("preserveColors", OptionDefaults.PRESERVE_COLORS);
        switches.put("multiScale", OptionDefaults.MULTI_SCALE);

        Map<String, LayerOption> layers = new LinkedHashMap<>();
        layers.put("contentLayers", new LayerOption(OptionDefaults.CONTENT_LAYERS, VggLayerNames.all()));
        layers.put("styleLayers", new LayerOption(OptionDefaults.STYLE_LAYERS, VggLayerNames.all()));

        return new OptionsView(numbers, choices, switches, layers,
                new StylesBounds(limits.maxStyles(), new NumberOption(false, 1.0, null, 0.0, maxWeight, null)),
                new InputBounds(limits.maxInputBytes(), limits.maxInputPixels()));
    }

    private static NumberOption whole(int def, int min, int max) {
        return new NumberOption(true, def, min, null, max, null);
    }

    private static NumberOption closed(double def, double min, double max) {
        return new NumberOption(false, def, min, null, max, null);
    }

    private static ChoiceOption choice(Enum<?> def, Enum<?>[] values) {
        return new ChoiceOption(def == null ? null : def.name(), Arrays.stream(values).map(Enum::name).toList());
    }
}
