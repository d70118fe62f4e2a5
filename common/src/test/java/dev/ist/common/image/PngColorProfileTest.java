package dev.ist.common.image;

import dev.ist.testkit.TestImages;
import org.junit.jupiter.api.Test;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PNG inputs with an embedded ICC profile are converted to sRGB; the JDK's reader alone would ignore the profile. */
class PngColorProfileTest {
    private final ImageInspector inspector = new ImageInspector(4 * 1024 * 1024, 1_000_000);

    /** linear-light 128/64/200 is sRGB 188/137/229 (the sRGB transfer curve applied to 0.502, 0.251, 0.784). */
    @Test
    void aLinearRgbProfiledPngIsConvertedToSrgb() throws Exception {
        byte[] png = withIccp(solidPng(BufferedImage.TYPE_3BYTE_BGR, 128, 64, 200), linearRgbProfile());

        int rgb = inspector.decode(png).getRGB(3, 2);

        assertChannels(rgb, 188, 137, 229, 2);
    }

    @Test
    void aPngWithoutAProfileKeepsItsSamples() throws Exception {
        int rgb = inspector.decode(solidPng(BufferedImage.TYPE_3BYTE_BGR, 128, 64, 200)).getRGB(0, 0);

        assertChannels(rgb, 128, 64, 200, 0);
    }

    @Test
    void anSrgbProfileChangesNothingVisible() throws Exception {
        byte[] png = withIccp(solidPng(BufferedImage.TYPE_3BYTE_BGR, 128, 64, 200),
                ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData());

        assertChannels(inspector.decode(png).getRGB(1, 1), 128, 64, 200, 1);
    }

    @Test
    void sixteenBitSamplesAreConvertedToo() throws Exception {
        BufferedImage deep = new BufferedImage(new java.awt.image.ComponentColorModel(
                ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false, java.awt.Transparency.OPAQUE,
                java.awt.image.DataBuffer.TYPE_USHORT),
                java.awt.image.Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_USHORT, 4, 4, 3, null),
                false, null);
        WritableRaster r = deep.getRaster();
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                r.setPixel(x, y, new int[] {128 * 257, 64 * 257, 200 * 257});
            }
        }
        byte[] png = withIccp(encode(deep), linearRgbProfile());

        assertChannels(inspector.decode(png).getRGB(2, 2), 188, 137, 229, 2);
    }

    @Test
    void alphaIsKeptAndCompositedAfterTheConversion() throws Exception {
        BufferedImage rgba = new BufferedImage(4, 4, BufferedImage.TYPE_4BYTE_ABGR);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                rgba.setRGB(x, y, x < 2 ? 0xFF8040C8 : 0x008040C8);
            }
        }
        BufferedImage out = inspector.decode(withIccp(encode(rgba), linearRgbProfile()));

        assertChannels(out.getRGB(0, 0), 188, 137, 229, 2);
        assertChannels(out.getRGB(3, 0), 255, 255, 255, 0);
    }

    @Test
    void anUnreadableProfileIsIgnoredNotFatal() throws Exception {
        byte[] garbage = "not an icc profile at all, just some bytes to deflate".getBytes(StandardCharsets.US_ASCII);
        byte[] png = withIccp(solidPng(BufferedImage.TYPE_3BYTE_BGR, 128, 64, 200), garbage);

        assertChannels(inspector.decode(png).getRGB(0, 0), 128, 64, 200, 0);
        assertEquals(4, inspector.verify(png).width());
    }

    static byte[] linearRgbProfile() {
        return ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData();
    }

    static byte[] solidPng(int type, int r, int g, int b) throws IOException {
        BufferedImage img = new BufferedImage(4, 4, type);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                img.setRGB(x, y, 0xFF000000 | (r << 16) | (g << 8) | b);
            }
        }
        return encode(img);
    }

    private static byte[] encode(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, "png", out));
        return out.toByteArray();
    }

    private static byte[] withIccp(byte[] png, byte[] profile) {
        return TestImages.withIccProfile(png, profile);
    }

    private static void assertChannels(int rgb, int r, int g, int b, int tolerance) {
        int[] got = {(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff};
        int[] want = {r, g, b};
        for (int i = 0; i < 3; i++) {
            assertTrue(Math.abs(got[i] - want[i]) <= tolerance,
                    "channel " + i + ": got " + got[i] + ", want " + want[i] + " ±" + tolerance
                            + String.format(" (pixel %06x)", rgb & 0xffffff));
        }
    }
}
