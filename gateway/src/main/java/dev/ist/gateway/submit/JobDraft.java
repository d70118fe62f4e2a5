package dev.ist.gateway.submit;

import dev.ist.common.job.JobOptions;
import dev.ist.common.job.Priority;
import dev.ist.common.job.WebhookSpec;

import java.time.Instant;
import java.util.List;

/**
 * A submission as the client described it, before checks: images, per-style weights, decoded options, the
 * optional webhook and deadline (null: none), the masks ({@link DraftMasks#NONE}: none) and the priority lane
 * (null: normal).
 */
public record JobDraft(ImageSource content, List<ImageSource> styles, List<Double> styleWeights, JobOptions options,
                       WebhookSpec webhook, Instant deadline, DraftMasks masks, Priority priority) {

    public JobDraft {
        masks = masks == null ? DraftMasks.NONE : masks;
    }

    public JobDraft(ImageSource content, List<ImageSource> styles, List<Double> styleWeights, JobOptions options,
                    WebhookSpec webhook, Instant deadline) {
        this(content, styles, styleWeights, options, webhook, deadline, DraftMasks.NONE, null);
    }

    public JobDraft(ImageSource content, List<ImageSource> styles, List<Double> styleWeights, JobOptions options) {
        this(content, styles, styleWeights, options, null, null, DraftMasks.NONE, null);
    }

    /** The lane asked for ({@link Priority#NORMAL} when none was). */
    public Priority lane() {
        return priority == null ? Priority.NORMAL : priority;
    }
}
