package dev.ist.common.job;

import dev.ist.common.IstConfig;
import dev.ist.common.Samples;
import dev.ist.common.codec.JsonCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobValidatorTest {

    private final JobValidator validator = new JobValidator(JobLimits.defaults());

    private static JobRequest withOptions(UnaryOperator<JobOptions.Builder> change) {
        JobRequest r = Samples.fullRequest();
        return JobRequest.of(r.jobId(), r.submittedAt(), r.content(), r.styles(),
                change.apply(r.options().toBuilder()).build(), r.owner());
    }

    private static JobRequest withStyles(List<StyleRef> styles) {
        JobRequest r = Samples.fullRequest();
        // optimize mode: there style images are required
        return JobRequest.of(r.jobId(), r.submittedAt(), r.content(), styles,
                r.options().toBuilder().mode(JobMode.OPTIMIZE).model(null).build(), r.owner());
    }

    /** Asserts exactly one error, on {@code field}, whose message contains {@code words}. */
    private void refusedOnce(JobRequest request, String field, String words) {
        List<FieldError> errors = validator.validate(request);
        assertEquals(1, errors.size(), errors.toString());
        assertEquals(field, errors.get(0).field(), errors.toString());
        assertTrue(errors.get(0).message().contains(words), errors.toString());
        assertTrue(errors.get(0).toString().startsWith(field + ": "), errors.toString());
    }

    @Test
    void aFullRequestWithinTheLimitsHasNoErrors() {
        assertEquals(List.of(), validator.validate(Samples.fullRequest()));
    }

    @Test
    void theDefaultOptionsAreValid() {
        assertEquals(List.of(), validator.validateOptions(JobOptions.defaults()));
    }

    @Test
    void sizeOutsideTheLimitsIsRefusedWithTheBounds() {
        refusedOnce(withOptions(b -> b.size(8)), "options.size", "between 16 and 2048, was 8");
        refusedOnce(withOptions(b -> b.size(4096)), "options.size", "between 16 and 2048, was 4096");
    }

    @Test
    void iterationsMustBePositiveAndWithinTheLimit() {
        refusedOnce(withOptions(b -> b.iterations(0)), "options.iterations", "between 1 and 5000");
        refusedOnce(withOptions(b -> b.iterations(5001)), "options.iterations", "was 5001");
    }

    @Test
    void weightsMustBeFiniteAndNonNegative() {
        refusedOnce(withOptions(b -> b.contentWeight(-1)), "options.contentWeight", "was -1.0");
        refusedOnce(withOptions(b -> b.styleWeight(Double.NaN)), "options.styleWeight", "was NaN");
        refusedOnce(withOptions(b -> b.tvWeight(Double.POSITIVE_INFINITY)), "options.tvWeight", ">= 0");
        refusedOnce(withOptions(b -> b.styleWeight(2e9)), "options.styleWeight", "<= 1.0E9");
    }

    @Test
    void layersMustBeKnownVggNamesListedOnce() {
        refusedOnce(withOptions(b -> b.contentLayers(List.of("conv9_9"))), "options.contentLayers",
                "unknown layer \"conv9_9\"");
        refusedOnce(withOptions(b -> b.styleLayers(List.of("relu1_1", "relu1_1"))), "options.styleLayers",
                "listed twice");
        refusedOnce(withOptions(b -> b.styleLayers(List.of())), "options.styleLayers", "at least one layer");
        refusedOnce(withOptions(b -> b.contentLayers(null)), "options.contentLayers", "at least one layer");
    }

    @Test
    void learningRateAndStyleScaleMustBePositiveAndBounded() {
        refusedOnce(withOptions(b -> b.learningRate(0)), "options.learningRate", "> 0");
        refusedOnce(withOptions(b -> b.learningRate(5000)), "options.learningRate", "<= 1000");
        refusedOnce(withOptions(b -> b.styleScale(0)), "options.styleScale", "> 0 and <= 4.0");
        refusedOnce(withOptions(b -> b.styleScale(4.5)), "options.styleScale", "was 4.5");
    }

    @Test
    void initImageIsRequiredWithInitImageAndRefusedOtherwise() {
        refusedOnce(withOptions(b -> b.init(InitMode.IMAGE).initImage(null)), "options.initImage", "is required");
        refusedOnce(withOptions(b -> b.init(InitMode.IMAGE).initImage(new ImageRef("xyz"))),
                "options.initImage.sha256", "64 lower-case hex digits");
        refusedOnce(withOptions(b -> b.init(InitMode.NOISE)), "options.initImage", "only allowed with init IMAGE");
    }

    @Test
    void missingEnumsAreRefusedListingTheChoices() {
        refusedOnce(withOptions(b -> b.optimizer(null)), "options.optimizer", "LBFGS, ADAM");
        refusedOnce(withOptions(b -> b.init(null).initImage(null)), "options.init", "CONTENT, NOISE, IMAGE");
        refusedOnce(withOptions(b -> b.pooling(null)), "options.pooling", "MAX, AVG");
        refusedOnce(withOptions(b -> b.outputFormat(null)), "options.outputFormat", "PNG, JPEG");
    }

    @Test
    void stylesMustBePresentWithinTheLimitAndPositivelyWeighted() {
        refusedOnce(withStyles(List.of()), "styles", "at least one style image");
        refusedOnce(withStyles(null), "styles", "at least one style image");
        StyleRef one = new StyleRef(new ImageRef(Samples.SHA_STYLE_1), 1.0);
        refusedOnce(withStyles(Collections.nCopies(5, one)), "styles", "at most 4 style images are allowed, got 5");
        refusedOnce(withStyles(List.of(one, new StyleRef(new ImageRef(Samples.SHA_STYLE_2), 0))),
                "styles[1].weight", "must be > 0");
        refusedOnce(withStyles(List.of(one, new StyleRef(new ImageRef("../../etc/passwd"), 1))),
                "styles[1].image.sha256", "\"../../etc/passwd\"");
        refusedOnce(withStyles(List.of(new StyleRef(null, 1))), "styles[0].image", "is required");
    }

    @Test
    void jobIdContentAndTimestampAreChecked() {
        JobRequest r = Samples.fullRequest();
        refusedOnce(JobRequest.of("job-1", r.submittedAt(), r.content(), r.styles(), r.options(), null),
                "jobId", "must be a UUID, was \"job-1\"");
        refusedOnce(JobRequest.of(r.jobId(), null, r.content(), r.styles(), r.options(), null),
                "submittedAt", "is required");
        refusedOnce(JobRequest.of(r.jobId(), r.submittedAt(), new ImageRef("A".repeat(64)), r.styles(), r.options(),
                null), "content.sha256", "lower-case");
        refusedOnce(JobRequest.of(r.jobId(), r.submittedAt(), null, r.styles(), r.options(), null),
                "content", "is required");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        JobRequest r = Samples.fullRequest();
        JobRequest bad = JobRequest.of("nope", r.submittedAt(), r.content(), List.of(),
                r.options().toBuilder().mode(JobMode.OPTIMIZE).model(null).size(1).iterations(-5).tvWeight(-1).build(), null);
        List<String> fields = new ArrayList<>();
        validator.validate(bad).forEach(e -> fields.add(e.field()));
        assertEquals(List.of("jobId", "styles", "options.size", "options.iterations", "options.tvWeight"), fields);
    }

    @Test
    void nullRequestOrOptionsAreReportedNotThrown() {
        assertEquals("$", validator.validate(null).get(0).field());
        JobRequest r = Samples.fullRequest();
        refusedOnce(JobRequest.of(r.jobId(), r.submittedAt(), r.content(), r.styles(), null, null),
                "options", "is required");
    }

    @Test
    void limitsAreConfigurable() {
        JobValidator strict = new JobValidator(JobLimits.defaults().withMaxIterations(100).withMaxSize(256)
                .withMaxStyles(1));
        List<FieldError> errors = strict.validate(Samples.fullRequest());
        List<String> fields = errors.stream().map(FieldError::field).toList();
        assertEquals(List.of("styles", "options.size", "options.iterations"), fields, errors.toString());
        assertTrue(errors.get(2).message().contains("between 1 and 100"), errors.toString());
    }

    @Test
    void limitsAreReadFromConfiguration() {
        JobLimits limits = JobLimits.from(IstConfig.of(Map.of(
                "ist.limits.max-size", "1024",
                "ist.limits.max-iterations", "50",
                "ist.limits.max-styles", "2",
                "ist.limits.max-input-pixels", "1000000",
                "ist.limits.max-input-bytes", "2048")));
        assertEquals(1024, limits.maxSize());
        assertEquals(50, limits.maxIterations());
        assertEquals(2, limits.maxStyles());
        assertEquals(1_000_000L, limits.maxInputPixels());
        assertEquals(2048L, limits.maxInputBytes());
        assertEquals(JobLimits.defaults().minSize(), limits.minSize());
        assertEquals(JobLimits.defaults(), JobLimits.from(IstConfig.of(Map.of())));
    }

    @ParameterizedTest
    @ValueSource(strings = {"relu5_1", "conv1_1", "pool5", "conv5_4"})
    void paperLayerNamesAreKnownAndIndexedLikeTorchvision(String name) {
        assertTrue(VggLayerNames.isKnown(name));
        assertEquals(name, VggLayerNames.all().get(VggLayerNames.featureIndex(name)));
    }

    @Test
    void vggLayerIndicesMatchTorchvisionFeatures() {
        // torchvision vgg19().features: 0 conv1_1, 1 relu1_1, 4 pool1, 21 conv4_2, 36 pool5
        assertEquals(0, VggLayerNames.featureIndex("conv1_1"));
        assertEquals(4, VggLayerNames.featureIndex("pool1"));
        assertEquals(21, VggLayerNames.featureIndex("conv4_2"));
        assertEquals(29, VggLayerNames.featureIndex("relu5_1"));
        assertEquals(36, VggLayerNames.featureIndex("pool5"));
        assertEquals(37, VggLayerNames.all().size());
        assertEquals(-1, VggLayerNames.featureIndex("fc6"));
    }

    @Test
    void aDecodedRequestThatBreaksTheLimitsIsCaughtByTheValidatorNotTheCodec() throws Exception {
        String json = """
                {"v":1,"jobId":"%s","submittedAt":"2026-11-25T12:00:00Z","content":{"sha256":"%s"},
                 "styles":[{"image":{"sha256":"%s"},"weight":1.0}],"options":{"iterations":999999}}
                """.formatted(Samples.JOB_ID, Samples.SHA_CONTENT, Samples.SHA_STYLE_1);
        JobRequest decoded = JsonCodec.shared().decodeRequest(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        refusedOnce(decoded, "options.iterations", "was 999999");
    }

    @Test
    void fastModeNeedsAModelName() {
        refusedOnce(withOptions(b -> b.mode(JobMode.FAST).model(null)), "options.model", "required with mode FAST");
        refusedOnce(withOptions(b -> b.mode(JobMode.FAST).model("../etc")), "options.model", "must match");
    }

    @Test
    void optimizeModeRefusesAModelName() {
        refusedOnce(withOptions(b -> b.mode(JobMode.OPTIMIZE).model("candy")), "options.model",
                "only allowed with mode FAST");
    }

    @Test
    void fastModeNeedsNoStyleImage() {
        JobRequest r = Samples.fullRequest();
        assertEquals(List.of(), validator.validate(
                JobRequest.of(r.jobId(), r.submittedAt(), r.content(), List.of(), r.options(), r.owner())));
        refusedOnce(JobRequest.of(r.jobId(), r.submittedAt(), r.content(), List.of(),
                r.options().toBuilder().mode(JobMode.OPTIMIZE).model(null).build(), r.owner()), "styles",
                "at least one");
    }

    @Test
    void masksAreImageReferencesAndNeedOptimiseMode() {
        ImageRef mask = new ImageRef(Samples.SHA_MASK);
        StyleRef masked = new StyleRef(new ImageRef(Samples.SHA_STYLE_1), 1.0, mask, mask);
        assertEquals(List.of(), validator.validate(withStyles(List.of(masked))));
        refusedOnce(withStyles(List.of(new StyleRef(new ImageRef(Samples.SHA_STYLE_1), 1.0, new ImageRef("x"), null))),
                "styles[0].mask.sha256", "64 lower-case hex");
        JobRequest fast = Samples.fullRequest();
        JobRequest fastMasked = JobRequest.of(fast.jobId(), fast.submittedAt(), fast.content(), List.of(masked),
                fast.options(), fast.owner());
        refusedOnce(fastMasked, "styles[0].mask", "OPTIMIZE");
        refusedOnce(withOptions(b -> b.contentMask(mask)), "options.contentMask", "OPTIMIZE");
    }

    @Test
    void colourLossAndAveragingControlsAreBounded() {
        refusedOnce(withOptions(b -> b.contentMaskWeight(0.5)), "options.contentMaskWeight", ">= 1");
        refusedOnce(withOptions(b -> b.colorTransfer(ColorTransfer.HISTOGRAM)), "options.colorTransfer",
                "preserveColors");
        refusedOnce(withOptions(b -> b.styleLoss(null)), "options.styleLoss", "GRAM, WASSERSTEIN");
        refusedOnce(withOptions(b -> b.styleLayerWeights(Map.of("relu5_1", 1.0))), "options.styleLayerWeights.relu5_1",
                "not one of options.styleLayers");
        refusedOnce(withOptions(b -> b.styleLayerWeights(Map.of("relu2_1", -1.0))),
                "options.styleLayerWeights.relu2_1", ">= 0");
        refusedOnce(withOptions(b -> b.emaDecay(1.0)), "options.emaDecay", "< 1");
    }

    @Test
    void preserveColorsIsTheOldNameOfLuminanceTransfer() {
        JobOptions old = JobOptions.builder().preserveColors(true).build();
        assertEquals(ColorTransfer.LUMINANCE, old.colorMode());
        assertEquals(ColorTransfer.HISTOGRAM,
                JobOptions.builder().colorTransfer(ColorTransfer.HISTOGRAM).build().colorMode());
        assertEquals(ColorTransfer.NONE, JobOptions.defaults().colorMode());
    }
}
