package dev.ist.common.image;

import dev.ist.common.event.ErrorCode;
import dev.ist.testkit.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.awt.image.BufferedImage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What real photos look like decodes to upright 8-bit sRGB; what is cut short or broken is refused at verify. */
class RealPhotoDecodingTest {

    private final ImageInspector inspector = new ImageInspector(4 * 1024 * 1024, 4_000_000);

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void everyExifOrientationComesOutUpright(int orientation) throws Exception {
        byte[] jpeg = TestImages.jpegWithOrientation(TestImages.quadrants(32, 64), orientation);
        assertEquals(orientation, ExifOrientation.of(jpeg));

        BufferedImage img = inspector.decode(jpeg);

        assertEquals(32, img.getWidth(), "portrait width");
        assertEquals(64, img.getHeight(), "portrait height");
        assertColour(0xff0000, img.getRGB(8, 16), "top left is red");
        assertColour(0x00ff00, img.getRGB(24, 16), "top right is green");
        assertColour(0x0000ff, img.getRGB(8, 48), "bottom left is blue");
        assertColour(0xffffff, img.getRGB(24, 48), "bottom right is white");
        ImageInfo info = inspector.verify(jpeg);
        assertEquals(32, info.width());
        assertEquals(64, info.height());
    }

    @Test
    void aCmykJpegIsConvertedToSrgb() throws Exception {
        // pure cyan ink: no red, full green and blue
        BufferedImage img = inspector.decode(TestImages.cmykJpeg(24, 16, 255, 0, 0, 0));
        assertEquals(24, img.getWidth());
        int p = img.getRGB(12, 8);
        assertTrue(((p >> 16) & 0xff) < 90, "little red in cyan: " + Integer.toHexString(p));
        assertTrue(((p >> 8) & 0xff) > 120 && (p & 0xff) > 160, "green and blue in cyan: " + Integer.toHexString(p));
        inspector.verify(TestImages.cmykJpeg(24, 16, 255, 0, 0, 0));
    }

    @Test
    void anEmbeddedIccProfileIsConvertedToSrgb() throws Exception {
        // linear 50 % grey is sRGB ~188, far from the 128 a decoder that ignores the profile would give
        BufferedImage img = inspector.decode(TestImages.linearRgbJpeg(16, 16, 128));
        int g = (img.getRGB(8, 8) >> 8) & 0xff;
        assertTrue(g > 170 && g < 205, "sRGB value of linear mid grey: " + g);
    }

    @Test
    void sixteenBitGreyPaletteAndProgressiveImagesDecode() throws Exception {
        BufferedImage quad = TestImages.quadrants(32, 64);
        assertColour(0xff0000, inspector.decode(TestImages.rgb16Png(quad)).getRGB(4, 4), "16-bit PNG");
        int grey = inspector.decode(TestImages.greyPng(TestImages.solid(8, 8, 0x808080))).getRGB(4, 4);
        assertColour(0x808080, grey, "grey PNG keeps its grey level");
        BufferedImage palette = inspector.decode(TestImages.paletteWithTransparencyPng(16, 8, 0x0000ff));
        assertColour(0x0000ff, palette.getRGB(2, 4), "opaque palette entry");
        assertColour(0xffffff, palette.getRGB(14, 4), "transparent pixels become white");
        assertColour(0x00ff00, inspector.decode(TestImages.progressiveJpeg(quad)).getRGB(24, 8), "progressive");
    }

    @Test
    void truncatedImagesAreRefusedByVerify() {
        byte[] jpeg = TestImages.jpeg(TestImages.noise(64, 64, 1), 0.9f);
        byte[] png = TestImages.noisePng(64, 64, 2);
        for (byte[] cut : new byte[][] {TestImages.truncated(jpeg, jpeg.length / 2),
                TestImages.truncated(png, png.length / 2)}) {
            ImageRejectedException e = assertThrows(ImageRejectedException.class, () -> inspector.verify(cut));
            assertEquals(ErrorCode.INPUT_CORRUPT, e.code());
        }
    }

    @Test
    void aMalformedExifSegmentMeansUpright() {
        byte[] jpeg = TestImages.jpeg(TestImages.solid(8, 8, 0), 0.9f);
        byte[] broken = TestImages.withExifOrientation(jpeg, 6);
        broken[12] = 'X'; // the TIFF byte-order mark
        assertEquals(1, ExifOrientation.of(broken));
        assertEquals(1, ExifOrientation.of(TestImages.withExifOrientation(jpeg, 9)));
        assertEquals(1, ExifOrientation.of(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe1, 0x7f}));
    }

    private static void assertColour(int expected, int actual, String what) {
        for (int shift = 0; shift <= 16; shift += 8) {
            int e = (expected >> shift) & 0xff;
            int a = (actual >> shift) & 0xff;
            assertTrue(Math.abs(e - a) < 40, what + ": expected ~" + Integer.toHexString(expected) + ", got "
                    + Integer.toHexString(actual & 0xffffff));
        }
    }
}
