package dev.ist.worker.engine;

import dev.ist.common.capacity.JobShape;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** Conversions between images and the engine's CHW float layout (RGB in [0,1]), resizing, colour spaces. */
public final class ImageOps {
    private ImageOps() {
    }

    /** Width and height after scaling so the long side is {@code longSide}; unchanged when it already is. */
    public static int[] scaledSize(int width, int height, int longSide) {
        return JobShape.scaledSize(width, height, longSide); // one rounding rule for the planner and the pixels
    }

    public static float[] toChw(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        int plane = w * h;
        float[] out = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            int p = argb[i];
            out[i] = ((p >> 16) & 0xff) / 255f;
            out[plane + i] = ((p >> 8) & 0xff) / 255f;
            out[2 * plane + i] = (p & 0xff) / 255f;
        }
        return out;
    }

    public static BufferedImage fromChw(float[] chw, int w, int h) {
        int plane = w * h;
        int[] rgb = new int[plane];
        for (int i = 0; i < plane; i++) {
            rgb[i] = (toByte(chw[i]) << 16) | (toByte(chw[plane + i]) << 8) | toByte(chw[2 * plane + i]);
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, w, h, rgb, 0, w);
        return out;
    }

    /**
     * A 16-bit-per-channel sRGB image of CHW floats in [0,1]: the result keeps the optimiser's precision for 16-bit
     * outputs (PNG16, TIFF); 8-bit writers convert it.
     */
    public static BufferedImage fromChw16(float[] chw, int w, int h) {
        java.awt.color.ColorSpace srgb = java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_sRGB);
        java.awt.image.ComponentColorModel model = new java.awt.image.ComponentColorModel(srgb, new int[] {16, 16, 16},
                false, false, java.awt.Transparency.OPAQUE, java.awt.image.DataBuffer.TYPE_USHORT);
        java.awt.image.WritableRaster raster = model.createCompatibleWritableRaster(w, h);
        short[] data = ((java.awt.image.DataBufferUShort) raster.getDataBuffer()).getData();
        int plane = w * h;
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                float v = Math.max(0f, Math.min(1f, chw[c * plane + i]));
                data[i * 3 + c] = (short) Math.round(v * 65535f);
            }
        }
        return new BufferedImage(model, raster, false, null);
    }

    private static int toByte(float v) {
        float c = v < 0 ? 0 : (v > 1 ? 1 : v);
        return Math.round(c * 255f);
    }

    /** High-quality resize (halving steps when shrinking a lot, then bicubic); same size = same pixels. */
    public static BufferedImage resize(BufferedImage src, int w, int h) {
        BufferedImage current = toRgb(src);
        if (current.getWidth() == w && current.getHeight() == h) {
            return current;
        }
        int cw = current.getWidth();
        int ch = current.getHeight();
        while (cw / 2 >= w && ch / 2 >= h) {
            cw /= 2;
            ch /= 2;
            current = draw(current, cw, ch);
        }
        return draw(current, w, h);
    }

    private static BufferedImage draw(BufferedImage src, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    /** The image as opaque TYPE_INT_RGB (alpha composited on white). */
    public static BufferedImage toRgb(BufferedImage src) {
        if (src.getType() == BufferedImage.TYPE_INT_RGB) {
            return src;
        }
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, src.getWidth(), src.getHeight());
        g.drawImage(src, 0, 0, null);
        g.dispose();
        return out;
    }

    /** Bilinear resize of a CHW image (align_corners = false), used between multi-scale levels. */
    /**
     * Area-average downscale of a CHW image to {@code nw}×{@code nh} (each output pixel is the mean of the source
     * pixels whose centres fall in it): previews of a print-size image without building a full-size raster.
     */
    public static float[] downscaleChw(float[] src, int w, int h, int nw, int nh) {
        if (nw >= w || nh >= h) {
            return resizeChw(src, w, h, nw, nh);
        }
        float[] out = new float[3 * nw * nh];
        int[] counts = new int[nw * nh];
        for (int y = 0; y < h; y++) {
            int oy = (int) ((long) y * nh / h);
            for (int x = 0; x < w; x++) {
                counts[oy * nw + (int) ((long) x * nw / w)]++;
            }
        }
        for (int c = 0; c < 3; c++) {
            int base = c * w * h;
            int obase = c * nw * nh;
            for (int y = 0; y < h; y++) {
                int orow = obase + (int) ((long) y * nh / h) * nw;
                int row = base + y * w;
                for (int x = 0; x < w; x++) {
                    out[orow + (int) ((long) x * nw / w)] += src[row + x];
                }
            }
            for (int i = 0; i < nw * nh; i++) {
                out[obase + i] /= counts[i];
            }
        }
        return out;
    }

    public static float[] resizeChw(float[] src, int w, int h, int nw, int nh) {
        float[] out = new float[3 * nw * nh];
        double sx = (double) w / nw;
        double sy = (double) h / nh;
        for (int c = 0; c < 3; c++) {
            int base = c * w * h;
            int obase = c * nw * nh;
            for (int y = 0; y < nh; y++) {
                double fy = Math.max(0, (y + 0.5) * sy - 0.5);
                int y0 = Math.min((int) fy, h - 1);
                int y1 = Math.min(y0 + 1, h - 1);
                float wy = (float) (fy - y0);
                for (int x = 0; x < nw; x++) {
                    double fx = Math.max(0, (x + 0.5) * sx - 0.5);
                    int x0 = Math.min((int) fx, w - 1);
                    int x1 = Math.min(x0 + 1, w - 1);
                    float wx = (float) (fx - x0);
                    float top = src[base + y0 * w + x0] * (1 - wx) + src[base + y0 * w + x1] * wx;
                    float bottom = src[base + y1 * w + x0] * (1 - wx) + src[base + y1 * w + x1] * wx;
                    out[obase + y * nw + x] = top * (1 - wy) + bottom * wy;
                }
            }
        }
        return out;
    }

    /** YIQ luminance of each pixel of a CHW RGB image. */
    public static float[] luminance(float[] chw) {
        int plane = chw.length / 3;
        float[] y = new float[plane];
        for (int i = 0; i < plane; i++) {
            y[i] = 0.299f * chw[i] + 0.587f * chw[plane + i] + 0.114f * chw[2 * plane + i];
        }
        return y;
    }

    /** YIQ chroma (I, Q planes, concatenated) of a CHW RGB image. */
    public static float[] chroma(float[] chw) {
        int plane = chw.length / 3;
        float[] iq = new float[2 * plane];
        for (int i = 0; i < plane; i++) {
            float r = chw[i];
            float g = chw[plane + i];
            float b = chw[2 * plane + i];
            iq[i] = 0.596f * r - 0.274f * g - 0.322f * b;
            iq[plane + i] = 0.211f * r - 0.523f * g + 0.312f * b;
        }
        return iq;
    }

    /** Grey CHW image (Y in all three channels). */
    public static float[] grey(float[] y) {
        int plane = y.length;
        float[] out = new float[3 * plane];
        System.arraycopy(y, 0, out, 0, plane);
        System.arraycopy(y, 0, out, plane, plane);
        System.arraycopy(y, 0, out, 2 * plane, plane);
        return out;
    }

    /** Luminance {@code y} rescaled to the mean and standard deviation of {@code reference}. */
    public static float[] matchLuminance(float[] y, float[] reference) {
        double[] a = meanStd(y);
        double[] b = meanStd(reference);
        float[] out = new float[y.length];
        double scale = a[1] > 1e-6 ? b[1] / a[1] : 1.0;
        for (int i = 0; i < y.length; i++) {
            out[i] = (float) ((y[i] - a[0]) * scale + b[0]);
        }
        return out;
    }

    private static double[] meanStd(float[] v) {
        double s = 0;
        for (float f : v) {
            s += f;
        }
        double mean = s / v.length;
        double ss = 0;
        for (float f : v) {
            ss += (f - mean) * (f - mean);
        }
        return new double[] {mean, Math.sqrt(ss / v.length)};
    }

    /** RGB CHW from a luminance plane and I/Q chroma planes. */
    public static float[] fromLuminanceChroma(float[] y, float[] iq) {
        int plane = y.length;
        float[] out = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            float yy = y[i];
            float ii = iq[i];
            float qq = iq[plane + i];
            out[i] = yy + 0.956f * ii + 0.621f * qq;
            out[plane + i] = yy - 0.272f * ii - 0.647f * qq;
            out[2 * plane + i] = yy - 1.106f * ii + 1.703f * qq;
        }
        return out;
    }

    /** Mean of the three channels: the luminance of a grey optimised image. */
    public static float[] channelMean(float[] chw) {
        int plane = chw.length / 3;
        float[] y = new float[plane];
        for (int i = 0; i < plane; i++) {
            y[i] = (chw[i] + chw[plane + i] + chw[2 * plane + i]) / 3f;
        }
        return y;
    }
}
