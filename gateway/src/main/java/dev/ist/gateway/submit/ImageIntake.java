package dev.ist.gateway.submit;

import dev.ist.common.event.ErrorCode;
import dev.ist.common.image.ImageInfo;
import dev.ist.common.image.ImageInspector;
import dev.ist.common.image.ImageRejectedException;
import dev.ist.common.job.FieldError;
import dev.ist.common.job.ImageRef;
import dev.ist.common.storage.ImageStore;
import dev.ist.common.storage.StoredObject;
import dev.ist.gateway.api.ProblemException;
import jakarta.inject.Singleton;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;

/**
 * The gate for uploaded bytes: byte limit, type sniffed from the content, pixel limit from the header (before any
 * decoding), and only then content-addressed storage. Each refusal names the field and the limit.
 */
@Singleton
public class ImageIntake {

    private final ImageInspector inspector;
    private final ImageStore store;

    public ImageIntake(ImageInspector inspector, ImageStore store) {
        this.inspector = inspector;
        this.store = store;
    }

    public long maxBytes() {
        return inspector.maxBytes();
    }

    /** Refuses an upload by its declared size before its bytes are read. */
    public void checkSize(String field, long size) {
        if (size > inspector.maxBytes()) {
            throw tooManyBytes(field, size);
        }
    }

    /** The bytes of an uploaded file, refused by its declared size before they are read. */
    public byte[] read(String field, FileUpload upload) {
        checkSize(field, upload.size());
        try {
            return Files.readAllBytes(upload.uploadedFile());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the uploaded " + field, e);
        }
    }

    /** Checks without storing; throws a {@link ProblemException} naming {@code field}. */
    public ImageInfo inspect(String field, byte[] bytes) {
        checkSize(field, bytes.length);
        try {
            return inspector.inspect(bytes);
        } catch (ImageRejectedException e) {
            throw refusal(field, e);
        }
    }

    /** Stores checked bytes under their SHA-256. */
    public StoredImage store(byte[] bytes, ImageInfo info) {
        StoredObject o = store.putContentAddressed(bytes, info.format().mediaType());
        return new StoredImage(new ImageRef(ImageStore.sha256Hex(bytes)), info, bytes.length, o.created());
    }

    /** A referenced image must have been uploaded before. */
    public void checkStored(String field, ImageRef ref) {
        if (!store.exists(ref.key())) {
            throw ProblemException.invalid(field + ": no uploaded image has this id",
                    List.of(new FieldError(field + ".sha256",
                            "no uploaded image has this id; upload it with POST /v1/images first")),
                    "unknown_image");
        }
    }

    private ProblemException tooManyBytes(String field, long size) {
        return new ProblemException(413, "too-many-bytes", "The image is too large",
                field + " has " + size + " bytes, over the limit of " + inspector.maxBytes(),
                List.of(new FieldError(field, "at most " + inspector.maxBytes() + " bytes are allowed")),
                "too_many_bytes")
                .with("field", field).with("limit", inspector.maxBytes()).with("actual", size);
    }

    private ProblemException refusal(String field, ImageRejectedException e) {
        ErrorCode code = e.code();
        if (code == ErrorCode.UNSUPPORTED_FORMAT) {
            return new ProblemException(415, "unsupported-image-type", "Unsupported image type",
                    field + " is " + e.getMessage() + "; only PNG and JPEG are accepted",
                    List.of(new FieldError(field, "only PNG and JPEG images are accepted")), "unsupported_type")
                    .with("field", field).with("accepted", List.of("image/png", "image/jpeg"));
        }
        if (code == ErrorCode.INPUT_TOO_LARGE) {
            return new ProblemException(422, "too-many-pixels", "The image has too many pixels",
                    field + ": " + e.getMessage(),
                    List.of(new FieldError(field, "at most " + inspector.maxPixels() + " pixels are allowed")),
                    "too_many_pixels")
                    .with("field", field).with("limit", inspector.maxPixels());
        }
        return new ProblemException(422, "corrupt-image", "The image cannot be read",
                field + ": " + e.getMessage(), List.of(new FieldError(field, e.getMessage())), "corrupt_image")
                .with("field", field);
    }

    /** An image that passed the gate and is stored. */
    public record StoredImage(ImageRef ref, ImageInfo info, long size, boolean created) {
    }
}
