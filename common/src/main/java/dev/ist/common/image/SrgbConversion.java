package dev.ist.common.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;

/** Any decoded image (grey, palette, 16-bit, alpha, CMYK, ICC-profiled) as 8-bit sRGB without alpha. */
public final class SrgbConversion {

    private SrgbConversion() {
    }

    public static BufferedImage toSrgb(BufferedImage img) {
        if (img.getType() == BufferedImage.TYPE_INT_RGB) {
            return img;
        }
        ColorSpace cs = img.getColorModel().getColorSpace();
        BufferedImage rgb = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        if (!cs.isCS_sRGB() && cs.getType() != ColorSpace.TYPE_GRAY) {
            // CMYK, YCCK and embedded ICC profiles: a colour-managed conversion, not a reinterpretation of the numbers
            new ColorConvertOp(null).filter(img, rgb);
            return rgb;
        }
        Graphics2D g = rgb.createGraphics();
        try {
            // transparent pixels become white, as users expect from a photo editor
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.drawImage(img, 0, 0, null);
        } finally {
            g.dispose();
        }
        return rgb;
    }
}
