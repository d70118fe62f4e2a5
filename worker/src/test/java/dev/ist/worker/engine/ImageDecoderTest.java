package dev.ist.worker.engine;

import dev.ist.testkit.TestImages;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine's own decoder (CLI inputs and worker fetches): colour-managed photos, masks taken as their samples. */
class ImageDecoderTest {

    @Test
    void aPngWithALinearRgbProfileIsRestyledFromItsSrgbColours() {
        BufferedImage img = ImageDecoder.decode(TestImages.linearRgbPng(8, 6, 128, 64, 200), "photo.png", 1_000_000);

        int rgb = img.getRGB(4, 3);
        assertNear(188, (rgb >> 16) & 0xff);
        assertNear(137, (rgb >> 8) & 0xff);
        assertNear(229, rgb & 0xff);
    }

    @Test
    void aMaskKeepsItsSamplesWhateverItsProfileSays() {
        BufferedImage mask = ImageDecoder.decodeMask(TestImages.linearRgbPng(8, 6, 128, 128, 128), "mask.png",
                1_000_000);

        assertEquals(128, mask.getRaster().getSample(2, 2, 0));
    }

    @Test
    void anImageAboveThePixelLimitIsRefusedFromItsHeader() {
        InvalidImageException e = assertThrows(InvalidImageException.class,
                () -> ImageDecoder.decode(TestImages.linearRgbPng(100, 100, 1, 2, 3), "big.png", 9_999));

        assertTrue(e.getMessage().contains("above the limit"), e.getMessage());
    }

    private static void assertNear(int want, int got) {
        assertTrue(Math.abs(want - got) <= 2, "want " + want + " ±2, got " + got);
    }
}
