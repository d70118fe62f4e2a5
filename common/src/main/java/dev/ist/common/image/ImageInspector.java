package dev.ist.common.image;

import dev.ist.common.event.ErrorCode;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The gate every input passes, at the gateway and again at the worker: sniff the format from the bytes, enforce the
 * byte limit, read the dimensions from the header and enforce the pixel limit BEFORE decoding (a 100 kB PNG can
 * claim 50 000 × 50 000 pixels), then decode.
 */
public final class ImageInspector {

    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private final long maxBytes;
    private final long maxPixels;

    public ImageInspector(long maxBytes, long maxPixels) {
        this.maxBytes = maxBytes;
        this.maxPixels = maxPixels;
    }

    public long maxBytes() {
        return maxBytes;
    }

    public long maxPixels() {
        return maxPixels;
    }

    /** Format from the leading bytes, or null when it is neither PNG nor JPEG. */
    public static ImageFormat sniff(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        if (bytes.length >= PNG_MAGIC.length) {
            boolean png = true;
            for (int i = 0; i < PNG_MAGIC.length; i++) {
                png &= bytes[i] == PNG_MAGIC[i];
            }
            if (png) {
                return ImageFormat.PNG;
            }
        }
        if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xd8 && (bytes[2] & 0xff) == 0xff) {
            return ImageFormat.JPEG;
        }
        return null;
    }

    /** Checks bytes, format and header dimensions; does not decode pixels. */
    public ImageInfo inspect(byte[] bytes) throws ImageRejectedException {
        if (bytes == null || bytes.length == 0) {
            throw new ImageRejectedException(ErrorCode.INPUT_CORRUPT, "the image is empty");
        }
        if (bytes.length > maxBytes) {
            throw new ImageRejectedException(ErrorCode.INPUT_TOO_LARGE,
                    "the image has " + bytes.length + " bytes, over the limit of " + maxBytes);
        }
        ImageFormat format = sniff(bytes);
        if (format == null) {
            throw new ImageRejectedException(ErrorCode.UNSUPPORTED_FORMAT,
                    "not a PNG or JPEG image (judged from its content)");
        }
        return withReader(bytes, format, (reader, info) -> info);
    }

    /**
     * {@link #inspect} then decode to 8-bit sRGB, upright: CMYK/YCCK and ICC-profiled images are converted to sRGB,
     * transparency is composited on white, and the EXIF orientation of a JPEG is applied.
     */
    public BufferedImage decode(byte[] bytes) throws ImageRejectedException {
        ImageFormat format = inspect(bytes).format();
        BufferedImage rgb = withReader(bytes, format, (reader, info) ->
                SrgbConversion.toSrgb(PngColorProfile.toSrgb(reader, readFully(reader))));
        return format == ImageFormat.JPEG ? Orientation.upright(rgb, ExifOrientation.of(bytes)) : rgb;
    }

    /**
     * {@link #inspect} then decode every pixel without keeping them, so a truncated or corrupt image is refused at
     * the door rather than failing later on a worker. The returned dimensions are as displayed (EXIF applied).
     */
    public ImageInfo verify(byte[] bytes) throws ImageRejectedException {
        ImageFormat format = inspect(bytes).format();
        ImageInfo stored = withReader(bytes, format, (reader, info) -> {
            readFully(reader);
            return info;
        });
        if (format == ImageFormat.JPEG && Orientation.swapsSides(ExifOrientation.of(bytes))) {
            return new ImageInfo(format, stored.height(), stored.width());
        }
        return stored;
    }

    /** Reads image 0; a decoder warning about missing data (the JPEG decoder pads truncated files) is corruption. */
    private static BufferedImage readFully(ImageReader reader) throws IOException {
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        BufferedImage img = reader.read(0, reader.getDefaultReadParam());
        for (String w : warnings) {
            String lower = w.toLowerCase(java.util.Locale.ROOT);
            if (lower.contains("premature") || lower.contains("truncat") || lower.contains("corrupt")
                    || lower.contains("end of")) {
                throw new IOException(w);
            }
        }
        if (img == null || img.getWidth() <= 0 || img.getHeight() <= 0) {
            throw new IOException("no pixels could be decoded");
        }
        return img;
    }

    @FunctionalInterface
    private interface ReaderWork<T> {
        T apply(ImageReader reader, ImageInfo info) throws IOException;
    }

    private <T> T withReader(byte[] bytes, ImageFormat format, ReaderWork<T> work) throws ImageRejectedException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ImageRejectedException(ErrorCode.UNSUPPORTED_FORMAT, "no decoder for this " + format);
            }
            ImageReader reader = readers.next();
            try {
                // a PNG's metadata holds its ICC profile (PngColorProfile); nothing else here needs metadata
                reader.setInput(in, true, format != ImageFormat.PNG);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if (w <= 0 || h <= 0) {
                    throw new ImageRejectedException(ErrorCode.INPUT_CORRUPT, "the image has no pixels (" + w + "×" + h + ")");
                }
                ImageInfo info = new ImageInfo(format, w, h);
                if (info.pixels() > maxPixels) {
                    throw new ImageRejectedException(ErrorCode.INPUT_TOO_LARGE, "the image is " + w + "×" + h + " = "
                            + info.pixels() + " pixels, over the limit of " + maxPixels);
                }
                return work.apply(reader, info);
            } finally {
                reader.dispose();
            }
        } catch (ImageRejectedException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ImageRejectedException(ErrorCode.INPUT_CORRUPT,
                    "the " + format + " image is corrupt or truncated (" + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
    }
}
