package dev.ist.gateway.submit;

import dev.ist.common.image.ImageInfo;
import dev.ist.common.job.FieldError;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.JobMode;
import dev.ist.gateway.api.ProblemException;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Checks a submission's masks before anything is stored: each is gated like an image (bytes, format, pixels, a full
 * decode), a referenced one must be the caller's, and its aspect ratio must be within
 * {@value #MAX_ASPECT_DIFFERENCE_PERCENT} % of what it covers (the content for output and content masks, its style
 * image for a style-image mask): the engine stretches a mask onto each feature map, so a mask of another shape would
 * put the regions somewhere else than the user drew them.
 */
@Singleton
public class MaskIntake {

    static final int MAX_ASPECT_DIFFERENCE_PERCENT = 10;

    private final ImageIntake intake;

    public MaskIntake(ImageIntake intake) {
        this.intake = intake;
    }

    /** Where a mask applies. */
    public enum Target { OUTPUT, STYLE_IMAGE, CONTENT }

    /** A mask that passed: where it goes ({@code style} index for OUTPUT and STYLE_IMAGE), and its dimensions. */
    public record Checked(Target target, int style, ImageSource source, ImageInfo info) {
    }

    /**
     * @param infos the dimensions of the content and each style (index 0 = content), null for those stored earlier
     *              (read here only when a mask needs them)
     */
    public List<Checked> check(JobDraft draft, List<ImageInfo> infos, String owner) {
        DraftMasks masks = draft.masks();
        ImageSource contentMask = contentMask(draft);
        List<Checked> checked = new ArrayList<>();
        if (masks.isEmpty() && contentMask == null) {
            return checked;
        }
        boolean fast = draft.options() != null && draft.options().mode() == JobMode.FAST;
        Supplier<ImageInfo> content = memo(infos.get(0), draft.content());
        for (int i = 0; i < draft.styles().size(); i++) {
            ImageSource output = masks.output(i);
            ImageSource styleImage = masks.styleImage(i);
            if (output != null) {
                refuseInFastMode(fast, output.field());
                checked.add(new Checked(Target.OUTPUT, i, output, checkOne(output, content.get(), "the content",
                        owner)));
            }
            if (styleImage != null) {
                refuseInFastMode(fast, styleImage.field());
                ImageInfo style = memo(infos.get(i + 1), draft.styles().get(i)).get();
                checked.add(new Checked(Target.STYLE_IMAGE, i, styleImage, checkOne(styleImage, style,
                        "style image " + i, owner)));
            }
        }
        if (contentMask != null) {
            refuseInFastMode(fast, contentMask.field());
            checked.add(new Checked(Target.CONTENT, -1, contentMask, checkOne(contentMask, content.get(),
                    "the content", owner)));
        }
        return checked;
    }

    /** The content mask as a part, or as a reference in the options; both at once is ambiguous. */
    private static ImageSource contentMask(JobDraft draft) {
        ImageSource part = draft.masks().content();
        ImageRef ref = draft.options() == null ? null : draft.options().contentMask();
        if (part != null && ref != null) {
            throw ProblemException.invalid(DraftMasks.CONTENT_FIELD + ": sent both as the contentMask part and in "
                            + "options", List.of(new FieldError(DraftMasks.CONTENT_FIELD, "give the content mask "
                            + "either as the contentMask part or as options.contentMask, not both")),
                    "invalid_mask");
        }
        return part != null ? part : ref == null ? null : ImageSource.stored(DraftMasks.CONTENT_FIELD, ref);
    }

    private ImageInfo checkOne(ImageSource mask, ImageInfo covered, String coveredName, String owner) {
        ImageInfo info;
        if (mask.bytes() != null) {
            info = intake.inspectMask(mask.field(), mask.bytes());
        } else {
            intake.checkStored(mask.field(), mask.ref(), owner);
            info = intake.storedInfo(mask.field(), mask.ref());
        }
        checkAspect(mask.field(), info, covered, coveredName);
        return info;
    }

    static void checkAspect(String field, ImageInfo mask, ImageInfo covered, String coveredName) {
        double ratio = ((double) mask.width() / mask.height()) / ((double) covered.width() / covered.height());
        if (Math.max(ratio, 1 / ratio) <= 1 + MAX_ASPECT_DIFFERENCE_PERCENT / 100.0) {
            return;
        }
        String message = String.format(Locale.ROOT, "the mask is %d×%d (aspect %.3f) but %s is %d×%d (aspect %.3f); "
                        + "a mask's aspect ratio must be within %d %% of what it covers", mask.width(), mask.height(),
                (double) mask.width() / mask.height(), coveredName, covered.width(), covered.height(),
                (double) covered.width() / covered.height(), MAX_ASPECT_DIFFERENCE_PERCENT);
        throw new ProblemException(422, "mask-aspect-ratio", "The mask does not fit the image it covers",
                field + ": " + message, List.of(new FieldError(field, message)), "invalid_mask")
                .with("field", field).with("maskSize", mask.width() + "x" + mask.height())
                .with("expectedAspect", Math.round(1000.0 * covered.width() / covered.height()) / 1000.0);
    }

    private static void refuseInFastMode(boolean fast, String field) {
        if (fast) {
            throw ProblemException.invalid(field + ": masks need mode OPTIMIZE", List.of(new FieldError(field,
                    "masks need mode OPTIMIZE (a feed-forward network has no spatial control)")), "invalid_mask");
        }
    }

    /** The dimensions of an image of the submission: known from its check, or read once from storage. */
    private Supplier<ImageInfo> memo(ImageInfo known, ImageSource source) {
        ImageInfo[] cache = {known};
        return () -> {
            if (cache[0] == null) {
                cache[0] = intake.storedInfo(source.field(), source.ref());
            }
            return cache[0];
        };
    }
}
