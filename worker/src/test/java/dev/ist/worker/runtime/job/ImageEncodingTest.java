package dev.ist.worker.runtime.job;

import dev.ist.common.job.OutputFormat;
import dev.ist.worker.engine.ImageOps;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.plugins.tiff.BaselineTIFFTagSet;
import javax.imageio.plugins.tiff.TIFFDirectory;
import javax.imageio.plugins.tiff.TIFFField;
import javax.imageio.stream.ImageInputStream;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageEncodingTest {
    private static final int W = 7;
    private static final int H = 5;

    /** A ramp whose values need 16 bits: neighbouring pixels differ by less than one 8-bit step. */
    private static float[] ramp() {
        float[] chw = new float[3 * W * H];
        for (int i = 0; i < chw.length; i++) {
            chw[i] = 0.3f + i * 0.0007f;
        }
        return chw;
    }

    @Test
    void png16KeepsSixteenBitsPerChannel() throws IOException {
        BufferedImage image = ImageOps.fromChw16(ramp(), W, H);
        BufferedImage read = ImageIO.read(new ByteArrayInputStream(ImageEncoding.encode(image, OutputFormat.PNG16)));
        assertEquals(16, read.getColorModel().getComponentSize(0));
        assertArrayEquals(image.getRaster().getPixels(0, 0, W, H, (int[]) null),
                read.getRaster().getPixels(0, 0, W, H, (int[]) null));
    }

    @Test
    void tiffKeepsSixteenBitsAndEmbedsTheSrgbProfile() throws IOException {
        BufferedImage image = ImageOps.fromChw16(ramp(), W, H);
        byte[] bytes = ImageEncoding.encode(image, OutputFormat.TIFF);
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = ImageIO.getImageReaders(in).next();
            reader.setInput(in);
            BufferedImage read = reader.read(0);
            assertEquals(16, read.getColorModel().getComponentSize(0));
            assertArrayEquals(image.getRaster().getPixels(0, 0, W, H, (int[]) null),
                    read.getRaster().getPixels(0, 0, W, H, (int[]) null));
            IIOMetadata metadata = reader.getImageMetadata(0);
            TIFFField icc = TIFFDirectory.createFromMetadata(metadata).getTIFFField(BaselineTIFFTagSet.TAG_ICC_PROFILE);
            assertNotNull(icc, "ICC profile tag");
            ICC_Profile profile = ICC_Profile.getInstance(icc.getAsBytes());
            assertEquals(ColorSpace.TYPE_RGB, profile.getColorSpaceType());
            assertArrayEquals(ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData(), icc.getAsBytes());
            reader.dispose();
        }
    }

    @Test
    void eightBitFormatsNarrowASixteenBitResult() throws IOException {
        BufferedImage image = ImageOps.fromChw16(ramp(), W, H);
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(ImageEncoding.encode(image, OutputFormat.PNG)));
        assertEquals(8, png.getColorModel().getComponentSize(0));
        BufferedImage expected = ImageOps.fromChw(ramp(), W, H);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                for (int shift = 0; shift <= 16; shift += 8) {
                    int a = (expected.getRGB(x, y) >> shift) & 0xff;
                    int b = (png.getRGB(x, y) >> shift) & 0xff;
                    assertTrue(Math.abs(a - b) <= 1, "pixel " + x + "," + y + ": " + a + " vs " + b);
                }
            }
        }
        assertNotNull(ImageIO.read(new ByteArrayInputStream(ImageEncoding.encode(image, OutputFormat.JPEG))));
    }
}
