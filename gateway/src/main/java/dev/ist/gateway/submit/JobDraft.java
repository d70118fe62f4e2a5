package dev.ist.gateway.submit;

import dev.ist.common.job.JobOptions;

import java.util.List;

/** A submission as the client described it, before checks: images, per-style weights and decoded options. */
public record JobDraft(ImageSource content, List<ImageSource> styles, List<Double> styleWeights, JobOptions options) {
}
