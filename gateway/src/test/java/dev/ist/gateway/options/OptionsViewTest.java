package dev.ist.gateway.options;

import dev.ist.common.job.FieldError;
import dev.ist.common.job.JobLimits;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.JobValidator;
import dev.ist.common.job.OptionDefaults;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code GET /v1/options} tells a client is what {@link JobValidator} does: each numeric bound is probed on the
 * validator (the bound itself accepted, just past it refused), for the default limits and for changed ones.
 */
class OptionsViewTest {

    /** Sets one numeric option on the builder, by its name in the view. */
    private static final Map<String, BiFunction<JobOptions.Builder, Double, JobOptions.Builder>> SETTERS = Map.of(
            "size", (b, v) -> b.size(v.intValue()),
            "iterations", (b, v) -> b.iterations(v.intValue()),
            "contentWeight", JobOptions.Builder::contentWeight,
            "styleWeight", JobOptions.Builder::styleWeight,
            "tvWeight", JobOptions.Builder::tvWeight,
            "learningRate", (b, v) -> b.learningRate(v),
            "styleScale", JobOptions.Builder::styleScale,
            "contentMaskWeight", JobOptions.Builder::contentMaskWeight,
            "emaDecay", JobOptions.Builder::emaDecay,
            "styleLayerWeight", (b, v) -> b.styleLayerWeights(Map.of("relu1_1", v)));

    private static final JobLimits CHANGED = new JobLimits(32, 640, 1234, 2, 1_000_000L, 1 << 20, 1.0e6, 2.0);

    @Test
    void everyNumericBoundIsTheValidatorsBoundForDefaultAndChangedLimits() {
        for (JobLimits limits : List.of(JobLimits.defaults(), CHANGED)) {
            OptionsView view = OptionsView.of(limits);
            JobValidator validator = new JobValidator(limits);
            int probed = 0;
            for (var e : view.numbers().entrySet()) {
                var setter = SETTERS.get(e.getKey());
                if (setter == null) {
                    continue; // seed: no bounds to probe
                }
                OptionsView.NumberOption n = e.getValue();
                double step = n.integer() ? 1 : Math.max(1e-9, Math.ulp(1000.0));
                if (n.minimum() != null) {
                    accepted(validator, setter, e.getKey(), n.minimum().doubleValue());
                    refused(validator, setter, e.getKey(), n.minimum().doubleValue() - step);
                    probed++;
                }
                if (n.exclusiveMinimum() != null) {
                    refused(validator, setter, e.getKey(), n.exclusiveMinimum().doubleValue());
                    probed++;
                }
                if (n.maximum() != null) {
                    accepted(validator, setter, e.getKey(), n.maximum().doubleValue());
                    refused(validator, setter, e.getKey(), n.maximum().doubleValue() * (1 + 1e-9) + step);
                    probed++;
                }
                if (n.exclusiveMaximum() != null) {
                    refused(validator, setter, e.getKey(), n.exclusiveMaximum().doubleValue());
                    probed++;
                }
                if (n.defaultValue() != null) {
                    accepted(validator, setter, e.getKey(), n.defaultValue().doubleValue());
                }
            }
            assertTrue(probed >= 15, "bounds probed: " + probed);
        }
    }

    @Test
    void theViewCarriesTheConfiguredLimitsAndTheSharedDefaults() {
        OptionsView view = OptionsView.of(CHANGED);
        assertEquals(1234, view.numbers().get("iterations").maximum());
        assertEquals(640, view.numbers().get("size").maximum());
        assertEquals(32, view.numbers().get("size").minimum());
        assertEquals(2.0, view.numbers().get("styleScale").maximum());
        assertEquals(2, view.styles().max());
        assertEquals(1 << 20, view.inputs().maxBytes());
        assertEquals(OptionDefaults.ITERATIONS, view.numbers().get("iterations").defaultValue());
        assertEquals(OptionDefaults.OPTIMIZER.name(), view.choices().get("optimizer").defaultValue());
        assertEquals(List.of("LBFGS", "ADAM"), view.choices().get("optimizer").values());
        assertEquals(OptionDefaults.STYLE_LAYERS, view.layers().get("styleLayers").defaultValue());
        assertFalse(view.switches().get("preserveColors"));
    }

    private static void accepted(JobValidator v, BiFunction<JobOptions.Builder, Double, JobOptions.Builder> set,
                                 String name, double value) {
        List<FieldError> errors = v.validateOptions(set.apply(JobOptions.builder(), value).build());
        assertTrue(errors.isEmpty(), name + " = " + value + " should pass: " + errors);
    }

    private static void refused(JobValidator v, BiFunction<JobOptions.Builder, Double, JobOptions.Builder> set,
                                String name, double value) {
        List<FieldError> errors = v.validateOptions(set.apply(JobOptions.builder(), value).build());
        assertEquals(1, errors.size(), name + " = " + value + " should be refused: " + errors);
        assertTrue(errors.get(0).field().startsWith("options."), errors.toString());
    }
}
