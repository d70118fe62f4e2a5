package dev.ist.gateway.submit;

import dev.ist.common.job.FieldError;
import dev.ist.gateway.api.ProblemException;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mask parts of a multipart submission: {@code mask<i>} (output mask of style i), {@code styleMask<i>} (mask of
 * style image i) and {@code contentMask}. Part names are checked before any bytes are read: an index with no such
 * style, a part sent twice, or a mask-like name that is none of these is refused 422 naming the part.
 */
public final class MaskParts {

    private static final Pattern INDEXED = Pattern.compile("(mask|styleMask)(\\d{1,3})");
    static final String CONTENT_PART = "contentMask";

    private MaskParts() {
    }

    /**
     * @param uploads    every file part of the form (other parts are skipped)
     * @param styleCount how many style images the form carries
     */
    public static DraftMasks read(List<FileUpload> uploads, int styleCount, ImageIntake intake) {
        if (uploads == null || uploads.isEmpty()) {
            return DraftMasks.NONE;
        }
        List<FileUpload> outputs = new ArrayList<>(Collections.nCopies(styleCount, null));
        List<FileUpload> styleImages = new ArrayList<>(Collections.nCopies(styleCount, null));
        FileUpload content = null;
        for (FileUpload u : uploads) {
            String name = u.name();
            if (name == null) {
                continue;
            }
            if (CONTENT_PART.equals(name)) {
                if (content != null) {
                    throw refused(name, "was sent twice");
                }
                content = u;
                continue;
            }
            Matcher m = INDEXED.matcher(name);
            if (m.matches()) {
                int index = Integer.parseInt(m.group(2));
                if (index >= styleCount) {
                    throw refused(name, "there is no style " + index + " (this job has " + styleCount
                            + " style image" + (styleCount == 1 ? "" : "s") + ", numbered from 0)");
                }
                List<FileUpload> slot = "mask".equals(m.group(1)) ? outputs : styleImages;
                if (slot.get(index) != null) {
                    throw refused(name, "was sent twice");
                }
                slot.set(index, u);
            } else if (name.toLowerCase(Locale.ROOT).contains("mask")) {
                throw refused(name, "unknown mask part; use mask<i> (output mask of style i), styleMask<i> "
                        + "(mask of style image i) or contentMask");
            }
        }
        List<ImageSource> out = new ArrayList<>();
        List<ImageSource> styl = new ArrayList<>();
        for (int i = 0; i < styleCount; i++) {
            out.add(source(DraftMasks.outputField(i), outputs.get(i), intake));
            styl.add(source(DraftMasks.styleImageField(i), styleImages.get(i), intake));
        }
        return new DraftMasks(out, styl, source(DraftMasks.CONTENT_FIELD, content, intake));
    }

    private static ImageSource source(String field, FileUpload upload, ImageIntake intake) {
        return upload == null ? null : ImageSource.upload(field, intake.read(field, upload));
    }

    private static ProblemException refused(String part, String message) {
        return ProblemException.invalid(part + ": " + message, List.of(new FieldError(part, message)),
                "invalid_mask").with("field", part);
    }
}
