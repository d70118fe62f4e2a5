package dev.ist.worker.cli;

import dev.ist.common.IstConfig;
import dev.ist.common.job.FieldError;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.JobLimits;
import dev.ist.common.job.JobRequest;
import dev.ist.common.job.JobValidator;
import dev.ist.common.storage.ImageStore;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The command line's options through the API's own {@link JobValidator}: the same rules and the same limits
 * ({@code ist.limits.*}, read like the worker reads them), with each refused JSON field named by its flag. One line
 * of error for all problems, so a user fixes them in one go, as an API client does.
 */
final class OptionCheck {

    /** JobOptions field → flag; fields the CLI never sets (mode, model) keep their JSON name. */
    private static final Map<String, String> FLAGS = Map.ofEntries(
            Map.entry("size", "--size"),
            Map.entry("iterations", "--iterations"),
            Map.entry("contentWeight", "--content-weight"),
            Map.entry("styleWeight", "--style-weight"),
            Map.entry("tvWeight", "--tv-weight"),
            Map.entry("contentLayers", "--content-layers"),
            Map.entry("styleLayers", "--style-layers"),
            Map.entry("optimizer", "--optimizer"),
            Map.entry("learningRate", "--lr"),
            Map.entry("init", "--init"),
            Map.entry("initImage", "--init"),
            Map.entry("seed", "--seed"),
            Map.entry("preserveColors", "--preserve-colors"),
            Map.entry("multiScale", "--multiscale"),
            Map.entry("styleScale", "--style-scale"),
            Map.entry("pooling", "--pooling"),
            Map.entry("outputFormat", "--output"),
            Map.entry("contentMask", "--content-mask"),
            Map.entry("contentMaskWeight", "--content-mask-weight"),
            Map.entry("colorTransfer", "--color-transfer"),
            Map.entry("styleLoss", "--style-loss"),
            Map.entry("styleLayerWeights", "--style-layer-weights"),
            Map.entry("emaDecay", "--ema-decay"),
            Map.entry("precision", "--precision"));

    private static final Pattern STYLE_FIELD = Pattern.compile("styles\\[(\\d+)]\\.(\\w+)(\\..*)?");

    private OptionCheck() {
    }

    /** The limits a worker on this machine would apply: system properties, then IST_LIMITS_* variables. */
    static JobLimits limits() {
        return JobLimits.from(IstConfig.fromSystem());
    }

    /**
     * A ref for a local file. The CLI stores nothing, so the key is the hash of the file's path, not of its bytes: it
     * only has to be shaped like the API's; the images themselves are checked when they are decoded.
     */
    static ImageRef ref(Path file) {
        byte[] name = file.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8);
        return new ImageRef(ImageStore.sha256Hex(name));
    }

    /** Throws one {@link UserInputException} naming every refused flag; returns when the API would accept. */
    static void require(JobRequest request, JobLimits limits) {
        List<FieldError> errors = new JobValidator(limits).validate(request);
        if (!errors.isEmpty()) {
            throw new UserInputException(errors.stream().map(OptionCheck::describe).collect(Collectors.joining("; ")));
        }
    }

    /** "options.iterations: must be …" → "--iterations must be …" (a colon where the message is not a predicate). */
    static String describe(FieldError error) {
        String m = error.message();
        boolean predicate = m.startsWith("must ") || m.startsWith("is ");
        // the few messages that name another JSON field name its flag instead
        m = m.replace("options.styleLayers", "--style-layers").replace("preserveColors=true", "--preserve-colors");
        return flag(error.field()) + (predicate ? " " : ": ") + m;
    }

    /** The flag that sets a validator field, e.g. {@code options.styleScale} → {@code --style-scale}. */
    static String flag(String field) {
        if (field.startsWith("options.")) {
            String name = field.substring("options.".length());
            int dot = name.indexOf('.');
            String head = dot < 0 ? name : name.substring(0, dot);
            String flag = FLAGS.getOrDefault(head, field);
            // styleLayerWeights.relu1_1 → "--style-layer-weights relu1_1"
            return dot < 0 ? flag : flag + " " + name.substring(dot + 1);
        }
        if (field.equals("content")) {
            return "--content";
        }
        if (field.equals("styles")) {
            return "--style";
        }
        Matcher m = STYLE_FIELD.matcher(field);
        if (m.matches()) {
            int n = Integer.parseInt(m.group(1)) + 1;
            return switch (m.group(2)) {
                case "weight" -> "--style-weights (value " + n + ")";
                case "mask" -> "--style-mask of --style " + n;
                case "styleMask" -> "--style-image-mask of --style " + n;
                default -> "--style " + n;
            };
        }
        return field;
    }
}
