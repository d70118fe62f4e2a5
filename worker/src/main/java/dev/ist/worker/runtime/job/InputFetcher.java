package dev.ist.worker.runtime.job;

import dev.ist.common.event.ErrorCode;
import dev.ist.common.image.ImageInspector;
import dev.ist.common.image.ImageRejectedException;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.InitMode;
import dev.ist.common.job.JobLimits;
import dev.ist.common.job.JobRequest;
import dev.ist.common.job.StyleRef;
import dev.ist.common.storage.ImageStore;
import dev.ist.common.storage.ObjectNotFoundException;
import dev.ist.common.storage.ObjectTooLargeException;
import dev.ist.worker.engine.ImageDecoder;
import dev.ist.worker.engine.InvalidImageException;
import dev.ist.worker.engine.StyleImage;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fetches a job's input images from storage and passes them through the same gate as the gateway (byte limit, pixel
 * limit from the header before decoding, format sniffed from the bytes), and checks each against its content hash.
 * Permanent problems become a {@link JobFailure} with the matching code; transient storage failures propagate as
 * {@link dev.ist.common.storage.StorageException} for the caller's retry budget.
 */
public final class InputFetcher implements InputSource {

    private final ImageStore store;
    private final JobLimits limits;
    private final ImageInspector inspector;

    public InputFetcher(ImageStore store, JobLimits limits) {
        this.store = store;
        this.limits = limits;
        this.inspector = new ImageInspector(limits.maxInputBytes(), limits.maxInputPixels());
    }

    @Override
    public JobInputs fetch(JobRequest request) throws JobFailure {
        Map<String, BufferedImage> decoded = new HashMap<>();
        BufferedImage content = image("content", request.content(), decoded);
        List<StyleImage> styles = new ArrayList<>();
        List<StyleRef> refs = request.styles();
        for (int i = 0; i < refs.size(); i++) {
            StyleRef s = refs.get(i);
            String field = "styles[" + i + "]";
            styles.add(new StyleImage(image(field, s.image(), decoded), s.weight(),
                    s.mask() == null ? null : mask(field + ".mask", s.mask(), decoded),
                    s.styleMask() == null ? null : mask(field + ".styleMask", s.styleMask(), decoded)));
        }
        BufferedImage init = request.options().init() == InitMode.IMAGE
                ? image("options.initImage", request.options().initImage(), decoded) : null;
        ImageRef contentMaskRef = request.options().contentMask();
        BufferedImage contentMask = contentMaskRef == null ? null
                : mask("options.contentMask", contentMaskRef, decoded);
        return new JobInputs(content, styles, init, contentMask);
    }

    /** A guidance mask: the same gate as an image, then its grey samples (alpha ignored), see ImageDecoder. */
    private BufferedImage mask(String field, ImageRef ref, Map<String, BufferedImage> decoded) throws JobFailure {
        String cacheKey = "mask:" + ref.sha256();
        BufferedImage known = decoded.get(cacheKey);
        if (known != null) {
            return known;
        }
        byte[] bytes = bytes(field, ref);
        try {
            inspector.decode(bytes); // the gateway's checks: format, byte and pixel limits
        } catch (ImageRejectedException e) {
            throw new JobFailure(e.code(), field + ": " + e.getMessage());
        }
        BufferedImage grey;
        try {
            grey = ImageDecoder.decodeMask(bytes, field, limits.maxInputPixels());
        } catch (InvalidImageException e) {
            throw new JobFailure(ErrorCode.INPUT_CORRUPT, field + ": " + e.getMessage());
        }
        decoded.put(cacheKey, grey);
        return grey;
    }

    private BufferedImage image(String field, ImageRef ref, Map<String, BufferedImage> decoded) throws JobFailure {
        BufferedImage known = decoded.get(ref.sha256());
        if (known != null) {
            return known;
        }
        byte[] bytes = bytes(field, ref);
        BufferedImage image;
        try {
            image = inspector.decode(bytes);
        } catch (ImageRejectedException e) {
            throw new JobFailure(e.code(), field + ": " + e.getMessage());
        }
        decoded.put(ref.sha256(), image);
        return image;
    }

    /** The stored bytes of {@code ref}, checked against its hash. */
    private byte[] bytes(String field, ImageRef ref) throws JobFailure {
        byte[] bytes;
        try {
            bytes = store.get(ref.key(), limits.maxInputBytes());
        } catch (ObjectNotFoundException e) {
            throw new JobFailure(ErrorCode.INPUT_MISSING, field + ": image " + ref.sha256()
                    + " is not in storage (upload it before submitting the job)");
        } catch (ObjectTooLargeException e) {
            throw new JobFailure(ErrorCode.INPUT_TOO_LARGE, field + ": the image has " + e.size()
                    + " bytes, over the limit of " + e.limit());
        }
        if (!ImageStore.sha256Hex(bytes).equals(ref.sha256())) {
            throw new JobFailure(ErrorCode.INPUT_CORRUPT, field + ": the stored bytes do not match their hash "
                    + ref.sha256());
        }
        return bytes;
    }
}
