package dev.ist.common.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/** Turns an image stored with EXIF orientation 1..8 into the way it is meant to be seen. */
public final class Orientation {

    private Orientation() {
    }

    /** Whether the displayed image has width and height swapped against the stored one (orientations 5 to 8). */
    public static boolean swapsSides(int orientation) {
        return orientation >= 5 && orientation <= 8;
    }

    /** The upright image; {@code stored} itself for orientation 1. {@code stored} must be TYPE_INT_RGB. */
    public static BufferedImage upright(BufferedImage stored, int orientation) {
        if (orientation < 2 || orientation > 8) {
            return stored;
        }
        if (stored.getType() != BufferedImage.TYPE_INT_RGB) {
            stored = SrgbConversion.toSrgb(stored);
        }
        int w = stored.getWidth();
        int h = stored.getHeight();
        boolean swap = swapsSides(orientation);
        int dw = swap ? h : w;
        int dh = swap ? w : h;
        int[] src = ((DataBufferInt) stored.getRaster().getDataBuffer()).getData();
        BufferedImage out = new BufferedImage(dw, dh, BufferedImage.TYPE_INT_RGB);
        int[] dst = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        for (int dy = 0; dy < dh; dy++) {
            for (int dx = 0; dx < dw; dx++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - dx; sy = dy; }          // mirrored
                    case 3 -> { sx = w - 1 - dx; sy = h - 1 - dy; }  // rotated 180°
                    case 4 -> { sx = dx; sy = h - 1 - dy; }          // flipped
                    case 5 -> { sx = dy; sy = dx; }                  // transposed
                    case 6 -> { sx = dy; sy = h - 1 - dx; }          // needs 90° clockwise
                    case 7 -> { sx = w - 1 - dy; sy = h - 1 - dx; }  // transversed
                    default -> { sx = w - 1 - dy; sy = dx; }         // 8: needs 90° counter-clockwise
                }
                dst[dy * dw + dx] = src[sy * w + sx];
            }
        }
        return out;
    }
}
