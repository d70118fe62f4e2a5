package dev.ist.gateway.api;

import dev.ist.common.ObjectKeys;
import dev.ist.common.codec.InvalidMessageException;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.job.FieldError;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.WebhookSpec;
import dev.ist.gateway.submit.Deadlines;
import dev.ist.gateway.submit.DraftMasks;
import dev.ist.gateway.submit.ImageSource;
import dev.ist.gateway.submit.JobDraft;

import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The submit's client text turned into a {@link JobDraft}'s parts: the multipart fields (options, weights, webhook,
 * priority) and the whole JSON body. Every refusal is a 422 (or 400 for an unreadable body) naming its field.
 */
final class DraftFields {

    private static final JsonCodec CODEC = JsonCodec.shared();

    private DraftFields() {
    }

    /** The parts a multipart submission may carry besides the masks ({@link dev.ist.gateway.submit.MaskParts}). */
    static final Set<String> FORM_PARTS = Set.of("content", "style", "options", "styleWeights", "webhook", "deadline",
            "priority");

    private static final String KNOWN_PARTS_HINT = "unknown part; this API reads "
            + String.join(", ", new TreeSet<>(FORM_PARTS)) + ", mask<i>, styleMask<i> and contentMask";

    private static final Set<String> OPTION_NAMES = Arrays.stream(JobOptions.class.getRecordComponents())
            .map(RecordComponent::getName).collect(Collectors.toUnmodifiableSet());

    /**
     * Refuses a part this API does not read, so that a misspelt or misplaced field is not silently ignored: an option
     * sent as its own part ({@code -F size=2048}) is answered with where it belongs. Mask-like names are left to the
     * mask reader, which names their mistakes precisely.
     */
    static void requireKnownParts(Set<String> names) {
        List<FieldError> unknown = new ArrayList<>();
        for (String name : new TreeSet<>(names)) {
            if (FORM_PARTS.contains(name) || name.toLowerCase(Locale.ROOT).contains("mask")) {
                continue;
            }
            String shown = name.length() > 40 ? name.substring(0, 40) + "…" : name;
            unknown.add(new FieldError(shown, OPTION_NAMES.contains(name)
                    ? "is an option: send it inside the 'options' part, e.g. options={\"" + name + "\": …}"
                    : KNOWN_PARTS_HINT));
            if (unknown.size() == 10) {
                break;
            }
        }
        if (!unknown.isEmpty()) {
            throw ProblemException.invalid("unknown multipart part '" + unknown.get(0).field() + "'", unknown,
                    "unknown_field");
        }
    }

    /** The multipart {@code webhook} field: the same JSON object as in a JSON submission. */
    static WebhookSpec parseWebhook(String json) {
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            return CODEC.decode(json.getBytes(StandardCharsets.UTF_8), WebhookSpec.class);
        } catch (InvalidMessageException e) {
            throw refused("webhook", e, "invalid_webhook");
        }
    }

    static JobOptions parseOptions(String json) {
        if (json == null || json.isBlank()) {
            return JobOptions.defaults();
        }
        try {
            return CODEC.decodeOptions(json.getBytes(StandardCharsets.UTF_8));
        } catch (InvalidMessageException e) {
            throw refused("options", e, "invalid_option");
        }
    }

    static List<Double> parseWeights(String csv) {
        if (csv == null || csv.isBlank()) {
            return null;
        }
        List<Double> weights = new ArrayList<>();
        for (String part : csv.split(",")) {
            try {
                weights.add(Double.parseDouble(part.trim()));
            } catch (NumberFormatException e) {
                throw ProblemException.invalid("styleWeights must be comma-separated numbers",
                        List.of(new FieldError("styleWeights", "not a number: '" + part.trim() + "'")),
                        "invalid_option");
            }
        }
        return weights;
    }

    static JobDraft parseJsonDraft(byte[] body, String cancelAfter) {
        JsonJobRequest request;
        try {
            request = CODEC.decode(body, JsonJobRequest.class);
        } catch (InvalidMessageException e) {
            if ("$".equals(e.field())) {
                throw ProblemException.malformed("$", messageOf(e));
            }
            throw refused(null, e, "invalid_option");
        }
        ImageSource content = request.content() == null ? null
                : ImageSource.stored("content", imageId("content", request.content()));
        List<ImageSource> styles = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        List<JsonJobRequest.Style> given = request.styles() == null ? List.of() : request.styles();
        List<ImageSource> outputMasks = new ArrayList<>();
        List<ImageSource> styleImageMasks = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            String f = "styles[" + i + "]";
            JsonJobRequest.Style s = given.get(i);
            if (s == null || s.image() == null) {
                throw ProblemException.invalid(f + ".image is required",
                        List.of(new FieldError(f + ".image", "is required")), "invalid_option");
            }
            styles.add(ImageSource.stored(f, imageId(f + ".image", s.image())));
            weights.add(s.weight() == null ? 1.0 : s.weight());
            outputMasks.add(s.mask() == null ? null
                    : ImageSource.stored(f + ".mask", imageId(f + ".mask", s.mask())));
            styleImageMasks.add(s.styleMask() == null ? null
                    : ImageSource.stored(f + ".styleMask", imageId(f + ".styleMask", s.styleMask())));
        }
        JobOptions o = request.options() == null ? JobOptions.defaults()
                : parseOptions(CODEC.encodeToString(request.options()));
        return new JobDraft(content, styles, weights, o, request.webhook(),
                Deadlines.from(cancelAfter, request.deadline(), Instant.now()),
                new DraftMasks(outputMasks, styleImageMasks, null), parsePriority(request.priority()));
    }

    /** The {@code priority} field: high, normal or low in any case; absent = normal. */
    static dev.ist.common.job.Priority parsePriority(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        dev.ist.common.job.Priority p = dev.ist.common.job.LaneSchedule.parseLane(raw);
        if (p == null) {
            throw ProblemException.invalid("priority must be high, normal or low",
                    List.of(new FieldError("priority", "must be high, normal or low, not '"
                            + (raw.length() > 20 ? raw.substring(0, 20) + "…" : raw) + "'")), "invalid_option");
        }
        return p;
    }

    private static ImageRef imageId(String field, JsonJobRequest.ImageId id) {
        String sha = id.sha256();
        if (!ObjectKeys.isSha256(sha)) {
            throw ProblemException.invalid(field + ".sha256 must be the id returned by POST /v1/images",
                    List.of(new FieldError(field + ".sha256", "must be 64 lower-case hex digits")), "invalid_option");
        }
        return new ImageRef(sha);
    }

    /** A codec refusal as a 422 naming the field under {@code prefix} (null: the field as the codec names it). */
    private static ProblemException refused(String prefix, InvalidMessageException e, String code) {
        String field = prefix == null ? e.field() : "$".equals(e.field()) ? prefix : prefix + "." + e.field();
        String message = messageOf(e);
        return ProblemException.invalid(field + ": " + message, List.of(new FieldError(field, message)), code);
    }

    /** The codec's message without its leading "field: ". */
    private static String messageOf(InvalidMessageException e) {
        return e.getMessage().substring(e.getMessage().indexOf(": ") + 2);
    }
}
