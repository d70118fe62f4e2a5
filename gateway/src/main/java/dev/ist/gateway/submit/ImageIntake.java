package dev.ist.gateway.submit;

import dev.ist.common.event.ErrorCode;
import dev.ist.common.image.ImageInfo;
import dev.ist.common.image.ImageInspector;
import dev.ist.common.image.ImageRejectedException;
import dev.ist.common.job.FieldError;
import dev.ist.common.job.ImageRef;
import dev.ist.common.storage.ImageStore;
import dev.ist.gateway.api.ProblemException;
import jakarta.inject.Singleton;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The gate for uploaded bytes: byte limit, type sniffed from the content, pixel limit from the header (before any
 * decoding), and only then content-addressed storage. Each refusal names the field and the limit.
 */
@Singleton
public class ImageIntake {

    private final ImageInspector inspector;
    private final ImageStore store;
    private final ImageOwnership ownership;
    private final DecodeBudget decodeBudget;

    public ImageIntake(ImageInspector inspector, ImageStore store, ImageOwnership ownership,
                       DecodeBudget decodeBudget) {
        this.inspector = inspector;
        this.store = store;
        this.ownership = ownership;
        this.decodeBudget = decodeBudget;
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

    /** The bytes of a spooled upload file, refused by its size before they are read. */
    public byte[] read(String field, Path file) {
        try {
            checkSize(field, Files.size(file));
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the uploaded " + field, e);
        }
    }

    /**
     * Checks without storing: byte and pixel limits from the header (bombs), then a full decode so a truncated or
     * corrupt image is refused now, naming {@code field}, rather than failing later on a worker. Decoding takes a
     * share of a pixel budget, so parallel uploads cannot decode more than it at once.
     */
    public ImageInfo inspect(String field, byte[] bytes) {
        checkSize(field, bytes.length);
        ImageInfo header;
        try {
            header = inspector.inspect(bytes);
        } catch (ImageRejectedException e) {
            throw refusal(field, e);
        }
        try (DecodeBudget.Lease lease = decodeBudget.acquire(header.pixels())) {
            return inspector.verify(bytes);
        } catch (ImageRejectedException e) {
            throw refusal(field, e);
        }
    }

    /**
     * A mask is checked as an image is (bytes, format, pixels, full decode), but bytes that are no image are 422
     * {@code invalid-mask}: the request is well-formed multipart, one of its masks is unusable.
     */
    public ImageInfo inspectMask(String field, byte[] bytes) {
        try {
            return inspect(field, bytes);
        } catch (ProblemException e) {
            if (e.status() != 415) {
                throw e;
            }
            throw new ProblemException(422, "invalid-mask", "The mask is not an image",
                    field + " is not a PNG or JPEG image (judged from its content); a mask is a grey PNG or JPEG",
                    List.of(new FieldError(field, "a mask must be a PNG or JPEG image")), "invalid_mask")
                    .with("field", field).with("accepted", List.of("image/png", "image/jpeg"));
        }
    }

    /** Dimensions (as displayed) of an image stored earlier; the caller has checked that it may use it. */
    public ImageInfo storedInfo(String field, ImageRef ref) {
        return inspect(field, store.get(ref.key(), inspector.maxBytes()));
    }

    /** Stores checked bytes under their SHA-256 and records that {@code owner} uploaded them. */
    public StoredImage store(byte[] bytes, ImageInfo info, String owner) {
        store.putContentAddressed(bytes, info.format().mediaType());
        ImageRef ref = new ImageRef(ImageStore.sha256Hex(bytes));
        // "created" is about this caller's uploads only: whether another key sent the same bytes is not revealed
        boolean created = ownership.record(owner, ref);
        return new StoredImage(ref, info, bytes.length, created);
    }

    /**
     * A referenced image must have been uploaded by this caller (or marked public by an operator); an image of
     * another key is answered exactly like one that does not exist.
     */
    public void checkStored(String field, ImageRef ref, String owner) {
        if (!ownership.mayUse(owner, ref) || !store.exists(ref.key())) {
            throw new ProblemException(404, "unknown-image", "No such image",
                    field + ": no image with this id was uploaded by this key",
                    List.of(new FieldError(field + ".sha256",
                            "no image with this id was uploaded by this key; upload it with POST /v1/images first")),
                    "unknown_image").with("field", field);
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
