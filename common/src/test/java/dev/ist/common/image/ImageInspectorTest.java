package dev.ist.common.image;

import dev.ist.common.event.ErrorCode;
import dev.ist.testkit.TestImages;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageInspectorTest {

    private final ImageInspector inspector = new ImageInspector(1024 * 1024, 1_000_000);

    @Test
    void pngAndJpegAreRecognisedFromTheirBytesWithTheirSize() throws Exception {
        ImageInfo png = inspector.inspect(TestImages.gradientPng(40, 30));
        assertEquals(new ImageInfo(ImageFormat.PNG, 40, 30), png);
        assertEquals(1200, png.pixels());
        assertEquals(new ImageInfo(ImageFormat.JPEG, 33, 17), inspector.inspect(TestImages.gradientJpeg(33, 17)));
        assertEquals(ImageFormat.PNG, ImageInspector.sniff(TestImages.gradientPng(2, 2)));
        assertEquals(ImageFormat.JPEG, ImageInspector.sniff(TestImages.gradientJpeg(2, 2)));
        assertNull(ImageInspector.sniff("GIF89a".getBytes(StandardCharsets.US_ASCII)));
        assertNull(ImageInspector.sniff(null));
    }

    @Test
    void decodeGivesRgbPixelsOfTheImage() throws Exception {
        BufferedImage decoded = inspector.decode(TestImages.gradientPng(16, 8));
        assertEquals(BufferedImage.TYPE_INT_RGB, decoded.getType());
        assertEquals(TestImages.gradient(16, 8).getRGB(15, 7), decoded.getRGB(15, 7));
    }

    @Test
    void transparentPixelsDecodeAsWhite() throws Exception {
        BufferedImage argb = new BufferedImage(4, 4, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x00000000);
        argb.setRGB(1, 1, 0xFF102030);
        BufferedImage decoded = inspector.decode(TestImages.png(argb));
        assertEquals(0xFFFFFF, decoded.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0x102030, decoded.getRGB(1, 1) & 0xFFFFFF);
    }

    @Test
    void emptyInputIsCorrupt() {
        ImageRejectedException e = assertThrows(ImageRejectedException.class, () -> inspector.inspect(new byte[0]));
        assertEquals(ErrorCode.INPUT_CORRUPT, e.code());
        assertThrows(ImageRejectedException.class, () -> inspector.inspect(null));
    }

    @Test
    void otherFormatsAreUnsupportedWhateverTheyClaim() {
        byte[] gif = "GIF89a\u0001\u0000\u0001\u0000".getBytes(StandardCharsets.ISO_8859_1);
        ImageRejectedException e = assertThrows(ImageRejectedException.class, () -> inspector.inspect(gif));
        assertEquals(ErrorCode.UNSUPPORTED_FORMAT, e.code());
        assertTrue(e.getMessage().contains("not a PNG or JPEG"), e.getMessage());
    }

    @Test
    void tooManyBytesAreRefusedBeforeAnythingIsRead() {
        ImageInspector small = new ImageInspector(100, 1_000_000);
        byte[] png = TestImages.noisePng(32, 32, 1);
        ImageRejectedException e = assertThrows(ImageRejectedException.class, () -> small.inspect(png));
        assertEquals(ErrorCode.INPUT_TOO_LARGE, e.code());
        assertTrue(e.getMessage().contains("over the limit of 100"), e.getMessage());
    }

    @Test
    void aSmallPngClaimingHugeDimensionsIsRefusedFromItsHeader() throws Exception {
        byte[] bomb = pngHeaderOnly(50_000, 50_000);
        assertTrue(bomb.length < 200, "a few bytes claim 2.5 gigapixels");
        ImageRejectedException e = assertThrows(ImageRejectedException.class, () -> inspector.decode(bomb));
        assertEquals(ErrorCode.INPUT_TOO_LARGE, e.code());
        assertTrue(e.getMessage().contains("50000×50000"), e.getMessage());
    }

    @Test
    void pixelLimitIsInclusive() throws Exception {
        ImageInspector exact = new ImageInspector(1024 * 1024, 100);
        assertEquals(100, exact.inspect(TestImages.gradientPng(10, 10)).pixels());
        ImageRejectedException e = assertThrows(ImageRejectedException.class,
                () -> exact.inspect(TestImages.gradientPng(11, 10)));
        assertEquals(ErrorCode.INPUT_TOO_LARGE, e.code());
    }

    @Test
    void aTruncatedPngIsCorruptNotACrash() {
        byte[] png = TestImages.noisePng(64, 64, 5);
        byte[] truncated = Arrays.copyOf(png, png.length / 2);
        ImageRejectedException e = assertThrows(ImageRejectedException.class, () -> inspector.decode(truncated));
        assertEquals(ErrorCode.INPUT_CORRUPT, e.code());
        assertTrue(e.getMessage().contains("corrupt or truncated"), e.getMessage());
    }

    @Test
    void pngMagicFollowedByGarbageIsCorrupt() {
        byte[] fake = Arrays.copyOf(TestImages.gradientPng(4, 4), 40);
        Arrays.fill(fake, 8, 40, (byte) 0x5a);
        ImageRejectedException e = assertThrows(ImageRejectedException.class, () -> inspector.decode(fake));
        assertEquals(ErrorCode.INPUT_CORRUPT, e.code());
    }

    /** A valid PNG signature and IHDR for {@code width}×{@code height}, one tiny IDAT and IEND: no real pixels. */
    private static byte[] pngHeaderOnly(int width, int height) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(out);
        data.write(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(ihdr);
        h.writeInt(width);
        h.writeInt(height);
        h.writeByte(8); // bit depth
        h.writeByte(2); // colour type RGB
        h.writeByte(0);
        h.writeByte(0);
        h.writeByte(0);
        chunk(data, "IHDR", ihdr.toByteArray());
        Deflater deflater = new Deflater();
        deflater.setInput(new byte[16]);
        deflater.finish();
        byte[] buf = new byte[64];
        int n = deflater.deflate(buf);
        chunk(data, "IDAT", Arrays.copyOf(buf, n));
        chunk(data, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(DataOutputStream out, String type, byte[] body) throws IOException {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.writeInt(body.length);
        out.write(typeBytes);
        out.write(body);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(body);
        out.writeInt((int) crc.getValue());
    }
}
