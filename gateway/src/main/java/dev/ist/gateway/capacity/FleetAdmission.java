package dev.ist.gateway.capacity;

import dev.ist.common.image.ImageInfo;
import dev.ist.common.job.FieldError;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.JobMode;
import dev.ist.common.job.JobOptions;
import dev.ist.common.storage.ImageStore;
import dev.ist.gateway.api.ProblemException;
import dev.ist.gateway.submit.ImageIntake;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Optional;

/**
 * Admission by capacity: quotes an optimisation job on the advertised worker classes and refuses one that no class
 * could ever fit (422 {@code too-large-for-fleet}, with the largest size that fits). With no worker advertised the
 * job is admitted: the gateway cannot know, and says so in the quote. Fast (feed-forward) jobs are not quoted: they
 * run tiled in bounded memory.
 */
@Singleton
public class FleetAdmission {
    private final FleetQuoter quoter;
    private final ImageIntake intake;
    private final ImageStore store;

    public FleetAdmission(FleetQuoter quoter, ImageIntake intake, ImageStore store) {
        this.quoter = quoter;
        this.intake = intake;
        this.store = store;
    }

    /**
     * The quote of a job whose content is {@code content} (its header, when the bytes came with the request) or the
     * stored image {@code contentRef} (read back to learn its size); empty for a fast job.
     */
    public Optional<FleetQuote> quote(JobOptions options, ImageInfo content, ImageRef contentRef) {
        if (options.mode() == JobMode.FAST) {
            return Optional.empty();
        }
        ImageInfo info = content != null ? content
                : intake.inspect("content", store.get(contentRef.key(), intake.maxBytes()));
        return Optional.of(quoter.quote(FleetQuoter.shape(options, info.width(), info.height())));
    }

    /** The quote, or 422 {@code too-large-for-fleet} when the known fleet has no class that fits. */
    public Optional<FleetQuote> admit(JobOptions options, ImageInfo content, ImageRef contentRef) {
        Optional<FleetQuote> quote = quote(options, content, contentRef);
        if (quote.isPresent() && !quote.get().fits()) {
            FleetQuote q = quote.get();
            throw new ProblemException(422, "too-large-for-fleet", "Too large for every worker",
                    q.note(), List.of(new FieldError("options.size", "the largest size any current worker fits is "
                    + q.largestFittingSize())), "too_large_for_fleet")
                    .with("largestFittingSize", q.largestFittingSize()).with("workerClasses", q.workerClasses());
        }
        return quote;
    }
}
