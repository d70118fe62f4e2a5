package dev.ist.common;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one place that builds object keys. Inputs are content-addressed ({@code inputs/sha256/<hex>}) so one upload is
 * stored once; everything a job produces lives under {@code jobs/<jobId>/}, feed-forward models under
 * {@code models/<name>/}. Keys are never built from user input: apart from operator-chosen model names (checked
 * against {@link #MODEL_NAME_PATTERN})
 * every part is a hash, a UUID or a number, and the builders refuse anything else.
 */
public final class ObjectKeys {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    public static final String INPUTS_PREFIX = "inputs/sha256/";
    public static final String JOBS_PREFIX = "jobs/";
    public static final String MODELS_PREFIX = "models/";
    /** Registry names of feed-forward models: lower case, safe as one key segment. */
    public static final String MODEL_NAME_PATTERN = "[a-z0-9][a-z0-9._-]{0,63}";
    private static final Pattern MODEL_NAME = Pattern.compile(MODEL_NAME_PATTERN);

    private ObjectKeys() {
    }

    public static boolean isSha256(String s) {
        return s != null && SHA256.matcher(s).matches();
    }

    public static boolean isJobId(String s) {
        return s != null && UUID.matcher(s).matches();
    }

    public static String input(String sha256) {
        if (!isSha256(sha256)) {
            throw new IllegalArgumentException("not a sha256 hex digest: " + sha256);
        }
        return INPUTS_PREFIX + sha256;
    }

    public static boolean isInputKey(String key) {
        return key != null && key.startsWith(INPUTS_PREFIX) && isSha256(key.substring(INPUTS_PREFIX.length()));
    }

    public static String jobPrefix(String jobId) {
        requireJobId(jobId);
        return JOBS_PREFIX + jobId + "/";
    }

    /** The fence: which worker attempt owns the job (compare-and-set on its ETag). */
    public static String owner(String jobId) {
        return jobPrefix(jobId) + "owner";
    }

    /** How many attempts started the job (the crash-loop guard). */
    public static String attempts(String jobId) {
        return jobPrefix(jobId) + "attempts";
    }

    /** A cancel recorded durably (the control topic's memory is bounded; this marker is not). */
    public static String cancelled(String jobId) {
        return jobPrefix(jobId) + "cancelled";
    }

    /** Where the delivery records of a job's webhooks live. */
    public static String webhooks(String jobId) {
        return jobPrefix(jobId) + "webhooks/";
    }

    /** One webhook delivery record; {@code webhookId} is an id the gateway made (letters, digits, '_'). */
    public static String webhook(String jobId, String webhookId) {
        if (webhookId == null || !webhookId.matches("[A-Za-z0-9_]{1,128}")) {
            throw new IllegalArgumentException("not a webhook delivery id: " + webhookId);
        }
        return webhooks(jobId) + webhookId + ".json";
    }

    /**
     * The objects that outlive a job's data when it expires: they make its history (finished, cancelled, owned,
     * attempted) durable. Names relative to {@link #jobPrefix}.
     */
    public static final java.util.Set<String> DURABLE_JOB_OBJECTS =
            java.util.Set.of("terminal.json", "owner", "attempts", "cancelled", "expired");

    /** Written by the storage janitor once a finished job's result, previews and manifest are deleted. */
    public static String expired(String jobId) {
        return jobPrefix(jobId) + "expired";
    }

    /** The final image; {@code extension} is {@code png}, {@code jpg} or {@code tif}. */
    public static String result(String jobId, String extension) {
        String ext = extension.toLowerCase(Locale.ROOT);
        if (!ext.equals("png") && !ext.equals("jpg") && !ext.equals("tif")) {
            throw new IllegalArgumentException("unsupported result extension: " + extension);
        }
        return jobPrefix(jobId) + "result." + ext;
    }

    /** A small JPEG preview taken at {@code iteration}; zero-padded so keys sort by iteration. */
    public static String preview(String jobId, int iteration) {
        if (iteration < 0) {
            throw new IllegalArgumentException("negative iteration");
        }
        return jobPrefix(jobId) + String.format(Locale.ROOT, "previews/%06d.jpg", iteration);
    }

    public static String checkpoint(String jobId) {
        return jobPrefix(jobId) + "checkpoint.bin";
    }

    /**
     * The job's terminal event, stored before it is published: a redelivered job is then not rerun, and its terminal
     * event is re-published with the same sequence number.
     */
    public static String terminalMarker(String jobId) {
        return jobPrefix(jobId) + "terminal.json";
    }

    /** JSON record of options, seed, weights checksum, versions and per-phase timings. */
    public static String manifest(String jobId) {
        return jobPrefix(jobId) + "manifest.json";
    }

    public static boolean isModelName(String s) {
        return s != null && MODEL_NAME.matcher(s).matches() && !s.contains("..");
    }

    /** The ONNX file of a registered feed-forward model. */
    public static String model(String name) {
        return modelPrefix(name) + "model.onnx";
    }

    /** The JSON {@code ModelInfo} of a registered model; its presence is what makes the model listed. */
    public static String modelMetadata(String name) {
        return modelPrefix(name) + "model.json";
    }

    /** The optional preview image shown in the model picker. */
    public static String modelPreview(String name) {
        return modelPrefix(name) + "preview";
    }

    public static String modelPrefix(String name) {
        if (!isModelName(name)) {
            throw new IllegalArgumentException("not a model name (" + MODEL_NAME_PATTERN + "): " + name);
        }
        return MODELS_PREFIX + name + "/";
    }

    private static void requireJobId(String jobId) {
        if (!isJobId(jobId)) {
            throw new IllegalArgumentException("not a job id (UUID): " + jobId);
        }
    }
}
