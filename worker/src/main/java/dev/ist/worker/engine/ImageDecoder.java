package dev.ist.worker.engine;

import dev.ist.common.image.ExifOrientation;
import dev.ist.common.image.Orientation;
import dev.ist.common.image.PngColorProfile;
import dev.ist.common.image.SrgbConversion;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes PNG/JPEG/BMP/GIF bytes into an upright sRGB image, checking the pixel count from the header before
 * decoding so a huge image is refused without allocating it.
 * The limit is the caller's ({@link EngineSettings#maxInputPixels()} for the CLI).
 */
public final class ImageDecoder {

    private ImageDecoder() {
    }

    public static BufferedImage read(Path file, long maxPixels) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidImageException("image " + file + " does not exist or is not a file");
        }
        try {
            return decode(Files.readAllBytes(file), file.toString(), maxPixels);
        } catch (IOException e) {
            throw new InvalidImageException("cannot read image " + file + ": " + e.getMessage(), e);
        }
    }

    /** A guidance mask file as a grey image (see {@link #decodeMask}). */
    public static BufferedImage readMask(Path file, long maxPixels) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidImageException("mask " + file + " does not exist or is not a file");
        }
        try {
            return decodeMask(Files.readAllBytes(file), file.toString(), maxPixels);
        } catch (IOException e) {
            throw new InvalidImageException("cannot read mask " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * A guidance mask as an 8-bit grey image: the luminance of its RGB with alpha ignored (a transparent pixel keeps
     * its colour's value; a grey PNG keeps its own samples, no colour-managed conversion), upright by EXIF.
     */
    public static BufferedImage decodeMask(byte[] bytes, String name, long maxPixels) {
        BufferedImage raw = decodeRaw(bytes, name, maxPixels, false);
        float[] plane = LevelMasks.greyPlane(raw);
        BufferedImage grey = new BufferedImage(raw.getWidth(), raw.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        java.awt.image.WritableRaster r = grey.getRaster();
        for (int y = 0; y < raw.getHeight(); y++) {
            for (int x = 0; x < raw.getWidth(); x++) {
                r.setSample(x, y, 0, Math.round(Math.min(1f, Math.max(0f, plane[y * raw.getWidth() + x])) * 255));
            }
        }
        return Orientation.upright(grey, ExifOrientation.of(bytes));
    }

    public static BufferedImage decode(byte[] bytes, String name, long maxPixels) {
        BufferedImage image = decodeRaw(bytes, name, maxPixels, true);
        // the same conversion as the gateway's and the runtime's (common/image): CMYK/ICC to sRGB, EXIF upright
        return Orientation.upright(SrgbConversion.toSrgb(image), ExifOrientation.of(bytes));
    }

    /**
     * The decoded pixels as the reader gives them, after the header checks; with {@code colourManaged} a PNG's
     * embedded ICC profile is applied (JPEG readers apply theirs), a mask's samples are taken as they are.
     */
    private static BufferedImage decodeRaw(byte[] bytes, String name, long maxPixels, boolean colourManaged) {
        if (bytes.length == 0) {
            throw new InvalidImageException("image " + name + " is empty (0 bytes)");
        }
        try (InputStream raw = new ByteArrayInputStream(bytes);
             ImageInputStream in = ImageIO.createImageInputStream(raw)) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new InvalidImageException("image " + name + " is not a supported image (PNG, JPEG, BMP, GIF)");
            }
            ImageReader reader = readers.next();
            try {
                boolean png = "png".equalsIgnoreCase(reader.getFormatName());
                reader.setInput(in, true, !(png && colourManaged));
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                if (w <= 0 || h <= 0) {
                    throw new InvalidImageException("image " + name + " has no pixels (" + w + "x" + h + ")");
                }
                if (w * h > maxPixels) {
                    throw new InvalidImageException("image " + name + " is " + w + "x" + h + " = " + (w * h)
                            + " pixels, above the limit of " + maxPixels + " (ist.engine.max-pixels)");
                }
                BufferedImage image = reader.read(0);
                if (image == null || image.getWidth() <= 0 || image.getHeight() <= 0) {
                    throw new InvalidImageException("image " + name + " could not be decoded");
                }
                return colourManaged ? PngColorProfile.toSrgb(reader, image) : image;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidImageException ie) {
                throw ie;
            }
            throw new InvalidImageException("image " + name + " is corrupt or truncated ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")", e);
        }
    }
}
