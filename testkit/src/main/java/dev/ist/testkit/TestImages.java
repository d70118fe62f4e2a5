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

    public static int rgb(int r, int g, int b) {
        return (clamp(r) << 16) | (clamp(g) << 8) | clamp(b);
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
