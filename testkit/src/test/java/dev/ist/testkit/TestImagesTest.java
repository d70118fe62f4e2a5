package dev.ist.testkit;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestImagesTest {

    @Test
    void pngGradientDecodesToTheSamePixels() {
        byte[] png = TestImages.gradientPng(32, 16);
        BufferedImage decoded = TestImages.decode(png);
        assertEquals(32, decoded.getWidth());
        assertEquals(16, decoded.getHeight());
        BufferedImage expected = TestImages.gradient(32, 16);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 32; x++) {
                assertEquals(expected.getRGB(x, y), decoded.getRGB(x, y), "pixel " + x + "," + y);
            }
        }
    }

    @Test
    void sameArgumentsGiveTheSameBytesAndOtherSeedsDiffer() {
        assertArrayEquals(TestImages.noisePng(8, 8, 7), TestImages.noisePng(8, 8, 7));
        assertFalse(java.util.Arrays.equals(TestImages.noisePng(8, 8, 7), TestImages.noisePng(8, 8, 8)));
    }

    @Test
    void jpegStartsWithTheJpegMagicAndDecodes() {
        byte[] jpeg = TestImages.gradientJpeg(24, 24);
        assertEquals((byte) 0xFF, jpeg[0]);
        assertEquals((byte) 0xD8, jpeg[1]);
        assertEquals(24, TestImages.decode(jpeg).getWidth());
        byte[] png = TestImages.checkerboardPng(16, 16, 4);
        assertTrue(png[1] == 'P' && png[2] == 'N' && png[3] == 'G');
    }

    @Test
    void decodingSomethingThatIsNotAnImageFailsWithAClearMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TestImages.decode("hello".getBytes()));
        assertTrue(e.getMessage().contains("not a decodable image"), e.getMessage());
    }
}
