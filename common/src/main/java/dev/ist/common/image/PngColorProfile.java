package dev.ist.common.image;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import org.w3c.dom.Node;

/**
 * The embedded ICC profile of a PNG ({@code iCCP} chunk) applied to its pixels. The JDK's PNG reader keeps the profile
 * in the metadata but labels the pixels sRGB whatever it says, so a wide-gamut or linear PNG would be restyled with the
 * wrong colours; JPEG profiles are applied by the JPEG reader itself. Only RGB profiles are applied (a grey profile on
 * a grey PNG changes tone, not colour, and is left as the samples say); alpha is kept as it is.
 */
public final class PngColorProfile {
    private static final String PNG_FORMAT = "javax_imageio_png_1.0";
    /** A profile this large is not a colour profile (real ones are a few KB; 1 MB allows very large LUT profiles). */
    private static final int MAX_PROFILE_BYTES = 1 << 20;

    private PngColorProfile() {
    }

    /**
     * {@code decoded} (image 0 of {@code reader}, a PNG reader given its input with metadata) with its embedded RGB
     * profile converted to sRGB in place; unchanged when the PNG has no profile, a non-RGB one or one that cannot be
     * read (an unreadable profile is not a reason to refuse a photo: its pixels are taken as sRGB, as every browser
     * does).
     */
    public static BufferedImage toSrgb(ImageReader reader, BufferedImage decoded) throws IOException {
        if (!"png".equalsIgnoreCase(reader.getFormatName())) {
            return decoded;
        }
        ICC_Profile profile = embedded(reader.getImageMetadata(0));
        if (profile == null || profile.getColorSpaceType() != ColorSpace.TYPE_RGB
                || decoded.getRaster().getNumBands() < 3) {
            return decoded;
        }
        WritableRaster raster = decoded.getRaster();
        WritableRaster rgb = raster.createWritableChild(0, 0, raster.getWidth(), raster.getHeight(), 0, 0,
                new int[] {0, 1, 2});
        ColorConvertOp op = new ColorConvertOp(new ICC_ColorSpace(profile), ColorSpace.getInstance(ColorSpace.CS_sRGB),
                null);
        // same sample type as the source, so 16-bit PNGs keep their depth through the conversion
        WritableRaster converted = rgb.createCompatibleWritableRaster();
        op.filter(rgb, converted);
        rgb.setRect(converted);
        return decoded;
    }

    /** The profile of a PNG's {@code iCCP} chunk, or null when there is none or it is unreadable. */
    static ICC_Profile embedded(IIOMetadata metadata) {
        if (metadata == null || !java.util.Arrays.asList(metadata.getMetadataFormatNames()).contains(PNG_FORMAT)) {
            return null;
        }
        Node root = metadata.getAsTree(PNG_FORMAT);
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            if ("iCCP".equals(n.getNodeName()) && n instanceof IIOMetadataNode node
                    && node.getUserObject() instanceof byte[] stored) {
                return profile(stored);
            }
        }
        return null;
    }

    /** The chunk's data is zlib-compressed; some readers hand it over inflated already. */
    private static ICC_Profile profile(byte[] stored) {
        try {
            byte[] data = isIccProfile(stored) ? stored : inflate(stored);
            return data == null ? null : ICC_Profile.getInstance(data);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean isIccProfile(byte[] b) {
        return b.length > 40 && "acsp".equals(new String(b, 36, 4, StandardCharsets.ISO_8859_1));
    }

    private static byte[] inflate(byte[] compressed) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(compressed);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(buf);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    return null;
                }
                out.write(buf, 0, n);
                if (out.size() > MAX_PROFILE_BYTES) {
                    return null;
                }
            }
            byte[] data = out.toByteArray();
            return isIccProfile(data) ? data : null;
        } catch (DataFormatException e) {
            return null;
        } finally {
            inflater.end();
        }
    }
}
