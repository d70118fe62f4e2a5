package dev.ist.worker.cli;

import dev.ist.common.IstConfig;
import dev.ist.common.job.FieldError;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.JobLimits;
import dev.ist.common.job.JobRequest;
import dev.ist.common.job.JobValidator;
import dev.ist.common.storage.ImageStore;

import picocli.CommandLine.Option;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import java.util.HashMap;
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

    /**
     * JobOptions field → flag: read from {@link JobOptionFlags}, whose fields are named as the JobOptions fields they
     * set, plus the options set from other flags. Fields the CLI never sets (mode, model) keep their JSON name.
     */
    private static final Map<String, String> FLAGS = flags();

    private static Map<String, String> flags() {
        Map<String, String> flags = new HashMap<>(Map.of("initImage", "--init", "outputFormat", "--output",
                "contentMask", "--content-mask"));
        for (Field f : JobOptionFlags.class.getDeclaredFields()) {
            Option option = f.getAnnotation(Option.class);
            if (option != null) {
                // the first name is the long one (--lr before --learning-rate: the shorter, as users type it)
                flags.put(f.getName(), option.names()[0]);
            }
        }
        return Map.copyOf(flags);
    }

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
