package dev.ist.common.job;

import dev.ist.common.ObjectKeys;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a request against {@link JobLimits}. Returns every problem at once, each naming its field,
 * so a client can fix them all in one round trip.
 */
public final class JobValidator {

    private final JobLimits limits;

    public JobValidator(JobLimits limits) {
        this.limits = limits;
    }

    public JobLimits limits() {
        return limits;
    }

    public List<FieldError> validate(JobRequest request) {
        List<FieldError> errors = new ArrayList<>();
        if (request == null) {
            errors.add(new FieldError("$", "request is missing"));
            return errors;
        }
        if (!ObjectKeys.isJobId(request.jobId())) {
            errors.add(new FieldError("jobId", "must be a UUID, was " + quote(request.jobId())));
        }
        if (request.submittedAt() == null) {
            errors.add(new FieldError("submittedAt", "is required"));
        }
        checkImage("content", request.content(), errors);
        List<StyleRef> styles = request.styles();
        boolean fast = request.options() != null && request.options().mode() == JobMode.FAST;
        if (fast && (styles == null || styles.isEmpty())) {
            // a feed-forward network carries its style; style images are optional (and unused) there
        } else if (styles == null || styles.isEmpty()) {
            errors.add(new FieldError("styles", "at least one style image is required"));
        } else {
            if (styles.size() > limits.maxStyles()) {
                errors.add(new FieldError("styles", "at most " + limits.maxStyles() + " style images are allowed, got "
                        + styles.size()));
            }
            for (int i = 0; i < styles.size(); i++) {
                StyleRef s = styles.get(i);
                String f = "styles[" + i + "]";
                if (s == null) {
                    errors.add(new FieldError(f, "is null"));
                    continue;
                }
                checkImage(f + ".image", s.image(), errors);
                if (s.mask() != null) {
                    checkImage(f + ".mask", s.mask(), errors);
                }
                if (s.styleMask() != null) {
                    checkImage(f + ".styleMask", s.styleMask(), errors);
                }
                if (fast && s.masked()) {
                    errors.add(new FieldError(f + ".mask", "masks need mode OPTIMIZE (a feed-forward network has "
                            + "no spatial control)"));
                }
                if (!Double.isFinite(s.weight()) || s.weight() <= 0 || s.weight() > limits.maxWeight()) {
                    errors.add(new FieldError(f + ".weight", "must be > 0 and <= " + limits.maxWeight() + ", was "
                            + s.weight()));
                }
            }
        }
        validateOptions(request.options(), errors);
        return errors;
    }

    /** Option checks alone, used by the gateway before it has a job id. */
    public List<FieldError> validateOptions(JobOptions o) {
        List<FieldError> errors = new ArrayList<>();
        validateOptions(o, errors);
        return errors;
    }

    private void validateOptions(JobOptions o, List<FieldError> errors) {
        if (o == null) {
            errors.add(new FieldError("options", "is required"));
            return;
        }
        range("options.size", o.size(), limits.minSize(), limits.maxSize(), errors);
        range("options.iterations", o.iterations(), JobLimits.MIN_ITERATIONS, limits.maxIterations(), errors);
        weight("options.contentWeight", o.contentWeight(), errors);
        weight("options.styleWeight", o.styleWeight(), errors);
        weight("options.tvWeight", o.tvWeight(), errors);
        layers("options.contentLayers", o.contentLayers(), errors);
        layers("options.styleLayers", o.styleLayers(), errors);
        if (o.optimizer() == null) {
            errors.add(new FieldError("options.optimizer", "must be one of LBFGS, ADAM"));
        }
        Double lr = o.learningRate();
        if (lr != null && (!Double.isFinite(lr) || lr <= 0 || lr > JobLimits.MAX_LEARNING_RATE)) {
            errors.add(new FieldError("options.learningRate", "must be > 0 and <= " + (int) JobLimits.MAX_LEARNING_RATE
                    + ", was " + o.learningRate()));
        }
        if (o.init() == null) {
            errors.add(new FieldError("options.init", "must be one of CONTENT, NOISE, IMAGE"));
        } else if (o.init() == InitMode.IMAGE) {
            checkImage("options.initImage", o.initImage(), errors);
        } else if (o.initImage() != null) {
            errors.add(new FieldError("options.initImage", "is only allowed with init IMAGE"));
        }
        if (!Double.isFinite(o.styleScale()) || o.styleScale() <= 0 || o.styleScale() > limits.maxStyleScale()) {
            errors.add(new FieldError("options.styleScale", "must be > 0 and <= " + limits.maxStyleScale() + ", was "
                    + o.styleScale()));
        }
        if (o.pooling() == null) {
            errors.add(new FieldError("options.pooling", "must be one of MAX, AVG"));
        }
        if (o.outputFormat() == null) {
            errors.add(new FieldError("options.outputFormat", "must be one of PNG, JPEG, PNG16, TIFF"));
        }
        if (o.mode() == null) {
            errors.add(new FieldError("options.mode", "must be one of OPTIMIZE, FAST"));
        } else if (o.mode() == JobMode.FAST) {
            if (o.model() == null) {
                errors.add(new FieldError("options.model", "is required with mode FAST (see GET /v1/models)"));
            } else if (!ObjectKeys.isModelName(o.model())) {
                errors.add(new FieldError("options.model", "must match " + ObjectKeys.MODEL_NAME_PATTERN
                        + ", was " + quote(o.model())));
            }
        } else if (o.model() != null) {
            errors.add(new FieldError("options.model", "is only allowed with mode FAST"));
        }
        validateControls(o, errors);
    }

    /** Spatial, colour and loss controls (Gatys et al. 2017) and the precision request. */
    private void validateControls(JobOptions o, List<FieldError> errors) {
        if (o.contentMask() != null) {
            checkImage("options.contentMask", o.contentMask(), errors);
            if (o.mode() == JobMode.FAST) {
                errors.add(new FieldError("options.contentMask", "needs mode OPTIMIZE"));
            }
        }
        if (!Double.isFinite(o.contentMaskWeight()) || o.contentMaskWeight() < JobLimits.MIN_CONTENT_MASK_WEIGHT
                || o.contentMaskWeight() > JobLimits.MAX_CONTENT_MASK_WEIGHT) {
            errors.add(new FieldError("options.contentMaskWeight", "must be >= 1 and <= " + JobLimits.MAX_CONTENT_MASK_WEIGHT
                    + ", was " + o.contentMaskWeight()));
        }
        if (o.colorTransfer() == null) {
            errors.add(new FieldError("options.colorTransfer", "must be one of NONE, LUMINANCE, HISTOGRAM"));
        } else if (o.preserveColors() && o.colorTransfer() == ColorTransfer.HISTOGRAM) {
            errors.add(new FieldError("options.colorTransfer", "HISTOGRAM contradicts preserveColors=true "
                    + "(its old name for LUMINANCE); set one of them"));
        }
        if (o.styleLoss() == null) {
            errors.add(new FieldError("options.styleLoss", "must be one of GRAM, WASSERSTEIN"));
        }
        if (o.styleLayerWeights() != null) {
            for (var e : o.styleLayerWeights().entrySet()) {
                String f = "options.styleLayerWeights." + e.getKey();
                boolean layersKnown = o.styleLayers() != null && !o.styleLayers().isEmpty();
                if (layersKnown && !o.styleLayers().contains(e.getKey())) {
                    errors.add(new FieldError(f, "is not one of options.styleLayers " + o.styleLayers()));
                } else if (e.getValue() == null || !Double.isFinite(e.getValue()) || e.getValue() < 0
                        || e.getValue() > limits.maxWeight()) {
                    errors.add(new FieldError(f, "must be >= 0 and <= " + limits.maxWeight() + ", was "
                            + e.getValue()));
                }
            }
        }
        if (!Double.isFinite(o.emaDecay()) || o.emaDecay() < 0 || o.emaDecay() >= 1) {
            errors.add(new FieldError("options.emaDecay", "must be >= 0 (0 = off) and < 1, was " + o.emaDecay()));
        }
    }

    private static void range(String field, int value, int min, int max, List<FieldError> errors) {
        if (value < min || value > max) {
            errors.add(new FieldError(field, "must be between " + min + " and " + max + ", was " + value));
        }
    }

    private void weight(String field, double value, List<FieldError> errors) {
        if (!Double.isFinite(value) || value < 0 || value > limits.maxWeight()) {
            errors.add(new FieldError(field, "must be >= 0 and <= " + limits.maxWeight() + ", was " + value));
        }
    }

    private static void layers(String field, List<String> layers, List<FieldError> errors) {
        if (layers == null || layers.isEmpty()) {
            errors.add(new FieldError(field, "at least one layer is required"));
            return;
        }
        Set<String> seen = new HashSet<>();
        for (String layer : layers) {
            if (!VggLayerNames.isKnown(layer)) {
                errors.add(new FieldError(field, "unknown layer " + quote(layer)
                        + " (use VGG19 names such as conv4_2, relu1_1 … relu5_4)"));
            } else if (!seen.add(layer)) {
                errors.add(new FieldError(field, "layer " + layer + " is listed twice"));
            }
        }
    }

    private static void checkImage(String field, ImageRef ref, List<FieldError> errors) {
        if (ref == null) {
            errors.add(new FieldError(field, "is required"));
        } else if (!ObjectKeys.isSha256(ref.sha256())) {
            errors.add(new FieldError(field + ".sha256", "must be 64 lower-case hex digits, was "
                    + quote(ref.sha256())));
        }
    }

    private static String quote(String s) {
        if (s == null) {
            return "null";
        }
        return "\"" + (s.length() > 80 ? s.substring(0, 80) + "…" : s) + "\"";
    }
}
