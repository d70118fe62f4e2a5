package dev.ist.worker.runtime.job;

import dev.ist.common.job.OutputFormat;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.plugins.tiff.BaselineTIFFTagSet;
import javax.imageio.plugins.tiff.TIFFDirectory;
import javax.imageio.plugins.tiff.TIFFField;
import javax.imageio.plugins.tiff.TIFFTag;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferUShort;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Bytes of result and preview images: 8-bit PNG and JPEG, and for print 16-bit PNG (with an sRGB chunk) and 16-bit
 * TIFF (Deflate, with the sRGB ICC profile embedded), written with the JDK's own ImageIO plugins.
 */
public final class ImageEncoding {

    private ImageEncoding() {
    }

    public static byte[] encode(BufferedImage image, OutputFormat format) {
        return switch (format) {
            case JPEG -> jpeg(image, 0.92f);
            case PNG -> png(image);
            case PNG16 -> png16(image);
            case TIFF -> tiff16(image);
        };
    }

    public static byte[] png(BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(rgb(image), "png", out)) {
                throw new IllegalStateException("no PNG writer in this JVM");
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** 16 bits per channel (an 8-bit image is widened), sRGB declared with an sRGB chunk. */
    public static byte[] png16(BufferedImage image) {
        BufferedImage wide = sixteenBit(image);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        try {
            IIOMetadata metadata = writer.getDefaultImageMetadata(new ImageTypeSpecifier(wide), null);
            IIOMetadataNode root = new IIOMetadataNode("javax_imageio_png_1.0");
            IIOMetadataNode srgb = new IIOMetadataNode("sRGB");
            srgb.setAttribute("renderingIntent", "Perceptual");
            root.appendChild(srgb);
            metadata.mergeTree("javax_imageio_png_1.0", root);
            return write(writer, wide, metadata, null);
        } catch (IIOInvalidTreeException e) {
            throw new IllegalStateException(e);
        } finally {
            writer.dispose();
        }
    }

    /** 16 bits per channel, Deflate-compressed, the sRGB ICC profile embedded (tag 34675). */
    public static byte[] tiff16(BufferedImage image) {
        BufferedImage wide = sixteenBit(image);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("tiff").next();
        try {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionType("Deflate");
            IIOMetadata defaults = writer.getDefaultImageMetadata(new ImageTypeSpecifier(wide), param);
            TIFFDirectory directory = TIFFDirectory.createFromMetadata(defaults);
            byte[] icc = ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData();
            TIFFTag iccTag = BaselineTIFFTagSet.getInstance().getTag(BaselineTIFFTagSet.TAG_ICC_PROFILE);
            directory.addTIFFField(new TIFFField(iccTag, TIFFTag.TIFF_UNDEFINED, icc.length, icc));
            return write(writer, wide, directory.getAsMetadata(), param);
        } catch (IIOInvalidTreeException e) {
            throw new IllegalStateException(e);
        } finally {
            writer.dispose();
        }
    }

    public static byte[] jpeg(BufferedImage image, float quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            return write(writer, rgb(image), null, param);
        } finally {
            writer.dispose();
        }
    }

    private static byte[] write(ImageWriter writer, BufferedImage image, IIOMetadata metadata, ImageWriteParam param) {
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
             MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, metadata), param);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** 8-bit RGB (JPEG has no alpha; the engine's 16-bit results are narrowed with rounding). */
    public static BufferedImage rgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB || image.getType() == BufferedImage.TYPE_3BYTE_BGR) {
            return image;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        BufferedImage copy = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        if (isSixteenBitRgb(image)) {
            short[] data = ((DataBufferUShort) image.getRaster().getDataBuffer()).getData();
            int[] rgb = new int[w];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int i = (y * w + x) * 3;
                    rgb[x] = (narrow(data[i]) << 16) | (narrow(data[i + 1]) << 8) | narrow(data[i + 2]);
                }
                copy.setRGB(0, y, w, 1, rgb, 0, w);
            }
            return copy;
        }
        copy.getGraphics().drawImage(image, 0, 0, null);
        return copy;
    }

    private static int narrow(short v) {
        return ((v & 0xffff) * 255 + 32767) / 65535;
    }

    private static boolean isSixteenBitRgb(BufferedImage image) {
        return image.getRaster().getDataBuffer() instanceof DataBufferUShort && image.getRaster().getNumBands() == 3
                && image.getColorModel().getColorSpace().isCS_sRGB() && image.getRaster().getSampleModel()
                instanceof java.awt.image.PixelInterleavedSampleModel;
    }

    private static BufferedImage sixteenBit(BufferedImage image) {
        if (isSixteenBitRgb(image)) {
            return image;
        }
        BufferedImage rgb = rgb(image);
        int w = rgb.getWidth();
        int h = rgb.getHeight();
        float[] chw = new float[3 * w * h];
        int plane = w * h;
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            rgb.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                chw[y * w + x] = ((p >> 16) & 0xff) / 255f;
                chw[plane + y * w + x] = ((p >> 8) & 0xff) / 255f;
                chw[2 * plane + y * w + x] = (p & 0xff) / 255f;
            }
        }
        return dev.ist.worker.engine.ImageOps.fromChw16(chw, w, h);
    }
}
