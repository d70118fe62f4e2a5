package dev.ist.testkit;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;

/**
 * Small, deterministic test images as PNG or JPEG bytes. Every generator is a pure function of its arguments, so the
 * same call gives the same bytes (and the same content hash) in every run.
 */
public final class TestImages {

    private TestImages() {
    }

    /** Red rises left to right, green top to bottom, blue is constant: smooth, so content losses are well behaved. */
    public static BufferedImage gradient(int width, int height) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = width == 1 ? 0 : x * 255 / (width - 1);
                int g = height == 1 ? 0 : y * 255 / (height - 1);
                img.setRGB(x, y, rgb(r, g, 128));
            }
        }
        return img;
    }

    /** A checkerboard of two colours with square cells of {@code cell} pixels: strong texture for style tests. */
    public static BufferedImage checkerboard(int width, int height, int cell, int rgbA, int rgbB) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                boolean a = ((x / cell) + (y / cell)) % 2 == 0;
                img.setRGB(x, y, a ? rgbA : rgbB);
            }
        }
        return img;
    }

    /** Diagonal colour stripes of period {@code period} pixels. */
    public static BufferedImage stripes(int width, int height, int period) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int phase = Math.floorMod(x + y, period) * 255 / Math.max(1, period - 1);
                img.setRGB(x, y, rgb(phase, 255 - phase, (phase * 3) & 0xff));
            }
        }
        return img;
    }

    /** Uniform RGB noise from {@code seed}. */
    public static BufferedImage noise(int width, int height, long seed) {
        Random random = new Random(seed);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        return img;
    }

    /** One flat colour. */
    public static BufferedImage solid(int width, int height, int rgb) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    public static byte[] gradientPng(int width, int height) {
        return png(gradient(width, height));
    }

    public static byte[] gradientJpeg(int width, int height) {
        return jpeg(gradient(width, height), 0.9f);
    }

    public static byte[] checkerboardPng(int width, int height, int cell) {
        return png(checkerboard(width, height, cell, rgb(20, 20, 160), rgb(240, 200, 40)));
    }

    public static byte[] stripesPng(int width, int height, int period) {
        return png(stripes(width, height, period));
    }

    public static byte[] noisePng(int width, int height, long seed) {
        return png(noise(width, height, seed));
    }

    public static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer available");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Baseline JPEG at {@code quality} in (0, 1]; alpha is dropped because JPEG has none. */
    public static byte[] jpeg(BufferedImage image, float quality) {
        BufferedImage rgb = image;
        if (image.getType() != BufferedImage.TYPE_INT_RGB) {
            rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
            rgb.getGraphics().drawImage(image, 0, 0, null);
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.write(null, new IIOImage(rgb, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** Decodes PNG/JPEG bytes, failing loudly when they are not an image. */
    public static BufferedImage decode(byte[] bytes) {
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
            if (img == null) {
                throw new IllegalArgumentException("not a decodable image (" + bytes.length + " bytes)");
            }
            return img;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- what real photos look like: the awkward-but-valid inputs a gateway must accept ----------------------

    /** A portrait 32×64 image in four solid quadrants: red, green (top), blue, white (bottom); corners tell its pose. */
    public static BufferedImage quadrants(int width, int height) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                boolean left = x < width / 2;
                boolean top = y < height / 2;
                img.setRGB(x, y, top ? (left ? 0xff0000 : 0x00ff00) : (left ? 0x0000ff : 0xffffff));
            }
        }
        return img;
    }

    /**
     * A JPEG of {@code upright} as a camera stores it with EXIF orientation {@code orientation} (1..8): the pixels
     * turned so that applying the orientation gives {@code upright} back.
     */
    public static byte[] jpegWithOrientation(BufferedImage upright, int orientation) {
        BufferedImage stored = switch (orientation) {
            case 1 -> upright;
            case 2 -> mirror(upright);
            case 3 -> rotateClockwise(rotateClockwise(upright));
            case 4 -> mirror(rotateClockwise(rotateClockwise(upright)));
            case 5 -> mirror(rotateClockwise(upright));
            case 6 -> rotateClockwise(rotateClockwise(rotateClockwise(upright)));
            case 7 -> mirror(rotateClockwise(rotateClockwise(rotateClockwise(upright))));
            case 8 -> rotateClockwise(upright);
            default -> throw new IllegalArgumentException("EXIF orientation is 1..8, not " + orientation);
        };
        return withExifOrientation(jpeg(stored, 0.95f), orientation);
    }

    /** {@code jpeg} with an APP1 Exif segment (big-endian TIFF, one IFD entry: Orientation) right after SOI. */
    public static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        byte[] tiff = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0,
                0, 0, 0, 0};
        int length = 2 + 6 + tiff.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(0xff);
        out.write(0xe1);
        out.write(length >> 8);
        out.write(length & 0xff);
        out.writeBytes(new byte[] {'E', 'x', 'i', 'f', 0, 0});
        out.writeBytes(tiff);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    private static BufferedImage mirror(BufferedImage in) {
        int w = in.getWidth();
        int h = in.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out.setRGB(w - 1 - x, y, in.getRGB(x, y));
            }
        }
        return out;
    }

    private static BufferedImage rotateClockwise(BufferedImage in) {
        int w = in.getWidth();
        int h = in.getHeight();
        BufferedImage out = new BufferedImage(h, w, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out.setRGB(h - 1 - y, x, in.getRGB(x, y));
            }
        }
        return out;
    }

    /** A progressive JPEG (several scans, as web images often are). */
    public static byte[] progressiveJpeg(BufferedImage image) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /**
     * A four-channel (CMYK, as print workflows save) JPEG of one colour: the JDK encoder writes the raster's
     * channels as they are, with an Adobe marker when {@code adobeTransform} is 0 (CMYK) or 2 (YCCK).
     */
    public static byte[] cmykJpeg(int width, int height, int c, int m, int y, int k) {
        java.awt.image.WritableRaster raster = java.awt.image.Raster.createInterleavedRaster(
                java.awt.image.DataBuffer.TYPE_BYTE, width, height, 4, null);
        int[] px = {255 - c, 255 - m, 255 - y, 255 - k}; // Adobe CMYK JPEGs store inverted ink values
        for (int yy = 0; yy < height; yy++) {
            for (int x = 0; x < width; x++) {
                raster.setPixel(x, yy, px);
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new IIOImage(raster, null, null), writer.getDefaultWriteParam());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        // Adobe APP14: version 100, no flags, transform 0 = the channels are (inverted) CMYK
        return withSegment(out.toByteArray(), 0xee, new byte[] {'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0});
    }

    /** {@code jpeg} with one more marker segment right after SOI (and after a JFIF APP0, which must come first). */
    public static byte[] withSegment(byte[] jpeg, int marker, byte[] payload) {
        int at = 2;
        if ((jpeg[2] & 0xff) == 0xff && (jpeg[3] & 0xff) == 0xe0) {
            at = 4 + (((jpeg[4] & 0xff) << 8) | (jpeg[5] & 0xff));
        }
        int length = payload.length + 2;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, at);
        out.write(0xff);
        out.write(marker);
        out.write(length >> 8);
        out.write(length & 0xff);
        out.writeBytes(payload);
        out.write(jpeg, at, jpeg.length - at);
        return out.toByteArray();
    }

    /** A 16-bit-per-channel RGB PNG (scanners and raw converters write these). */
    public static byte[] rgb16Png(BufferedImage image) {
        java.awt.image.ComponentColorModel cm = new java.awt.image.ComponentColorModel(
                java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_sRGB), false, false,
                java.awt.Transparency.OPAQUE, java.awt.image.DataBuffer.TYPE_USHORT);
        java.awt.image.WritableRaster raster = cm.createCompatibleWritableRaster(image.getWidth(), image.getHeight());
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y);
                raster.setPixel(x, y, new int[] {((p >> 16) & 0xff) * 257, ((p >> 8) & 0xff) * 257, (p & 0xff) * 257});
            }
        }
        return png(new BufferedImage(cm, raster, false, null));
    }

    /** An 8-bit grey PNG of {@code image}'s luminance. */
    public static byte[] greyPng(BufferedImage image) {
        BufferedImage grey = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        grey.getGraphics().drawImage(image, 0, 0, null);
        return png(grey);
    }

    /** A palette PNG whose left half is opaque {@code rgb} and right half fully transparent (tRNS chunk). */
    public static byte[] paletteWithTransparencyPng(int width, int height, int rgb) {
        byte[] r = {(byte) (rgb >> 16), 0};
        byte[] g = {(byte) (rgb >> 8), 0};
        byte[] b = {(byte) rgb, 0};
        byte[] a = {(byte) 255, 0};
        java.awt.image.IndexColorModel cm = new java.awt.image.IndexColorModel(1, 2, r, g, b, a);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_BINARY, cm);
        for (int y = 0; y < height; y++) {
            for (int x = width / 2; x < width; x++) {
                img.getRaster().setSample(x, y, 0, 1);
            }
        }
        return png(img);
    }

    /** A JPEG whose pixels are linear-RGB values, tagged with the linear-RGB ICC profile (APP2 ICC_PROFILE). */
    public static byte[] linearRgbJpeg(int width, int height, int linearGrey) {
        java.awt.image.ComponentColorModel cm = new java.awt.image.ComponentColorModel(
                java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_LINEAR_RGB), false, false,
                java.awt.Transparency.OPAQUE, java.awt.image.DataBuffer.TYPE_BYTE);
        java.awt.image.WritableRaster raster = cm.createCompatibleWritableRaster(width, height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                raster.setPixel(x, y, new int[] {linearGrey, linearGrey, linearGrey});
            }
        }
        BufferedImage img = new BufferedImage(cm, raster, false, null);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new IIOImage(img, null, null), writer.getDefaultWriteParam());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        byte[] profile = java.awt.color.ICC_Profile.getInstance(java.awt.color.ColorSpace.CS_LINEAR_RGB).getData();
        ByteArrayOutputStream app2 = new ByteArrayOutputStream();
        app2.writeBytes("ICC_PROFILE".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        app2.write(0);
        app2.write(1); // chunk 1 of 1
        app2.write(1);
        app2.writeBytes(profile);
        return withSegment(out.toByteArray(), 0xe2, app2.toByteArray());
    }

    /** The first {@code keep} bytes of {@code bytes}: a download cut short. */
    /** A PNG whose samples are linear-RGB values, tagged with the linear-RGB ICC profile (an iCCP chunk). */
    public static byte[] linearRgbPng(int width, int height, int r, int g, int b) {
        byte[] profile = java.awt.color.ICC_Profile.getInstance(java.awt.color.ColorSpace.CS_LINEAR_RGB).getData();
        return withIccProfile(png(solid(width, height, rgb(r, g, b))), profile);
    }

    /** {@code png} with an iCCP chunk (name, compression method 0, zlib-deflated {@code profile}) right after IHDR. */
    public static byte[] withIccProfile(byte[] png, byte[] profile) {
        java.util.zip.Deflater deflater = new java.util.zip.Deflater();
        deflater.setInput(profile);
        deflater.finish();
        java.io.ByteArrayOutputStream compressed = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!deflater.finished()) {
            compressed.write(buf, 0, deflater.deflate(buf));
        }
        deflater.end();
        java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
        data.writeBytes("test".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        data.write(0); // name terminator
        data.write(0); // compression method: zlib
        data.writeBytes(compressed.toByteArray());
        byte[] chunk = pngChunk("iCCP", data.toByteArray());
        int ihdrEnd = 8 + 4 + 4 + 13 + 4;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(png, 0, ihdrEnd);
        out.writeBytes(chunk);
        out.write(png, ihdrEnd, png.length - ihdrEnd);
        return out.toByteArray();
    }

    private static byte[] pngChunk(String type, byte[] data) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(12 + data.length);
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        b.putInt(data.length).put(t).put(data);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(t);
        crc.update(data);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    public static byte[] truncated(byte[] bytes, int keep) {
        return java.util.Arrays.copyOf(bytes, Math.min(keep, bytes.length));
    }

    public static int rgb(int r, int g, int b) {
        return (clamp(r) << 16) | (clamp(g) << 8) | clamp(b);
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
