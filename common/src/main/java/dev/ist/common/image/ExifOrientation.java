package dev.ist.common.image;

/**
 * Reads the EXIF orientation (TIFF tag 0x0112, values 1..8) from a JPEG's APP1 segment. Phones store portrait photos
 * landscape and say so here; ignoring it turns every portrait upside down or sideways. Anything unreadable is 1.
 */
public final class ExifOrientation {

    private static final int TAG_ORIENTATION = 0x0112;

    private ExifOrientation() {
    }

    /** The orientation of {@code jpeg}, 1 (as stored) when absent, malformed or out of range. */
    public static int of(byte[] jpeg) {
        try {
            return scan(jpeg);
        } catch (IndexOutOfBoundsException e) {
            return 1; // a truncated marker segment: the decoder will judge the image itself
        }
    }

    private static int scan(byte[] b) {
        if (b.length < 4 || (b[0] & 0xff) != 0xff || (b[1] & 0xff) != 0xd8) {
            return 1;
        }
        int p = 2;
        while (p + 4 <= b.length) {
            if ((b[p] & 0xff) != 0xff) {
                return 1;
            }
            int marker = b[p + 1] & 0xff;
            if (marker == 0xda || marker == 0xd9) { // start of scan / end of image: no more metadata
                return 1;
            }
            int length = u16(b, p + 2, true);
            if (marker == 0xe1 && length >= 8 && isExif(b, p + 4)) {
                return fromTiff(b, p + 10, p + 2 + length);
            }
            p += 2 + length;
        }
        return 1;
    }

    private static boolean isExif(byte[] b, int at) {
        return b[at] == 'E' && b[at + 1] == 'x' && b[at + 2] == 'i' && b[at + 3] == 'f' && b[at + 4] == 0
                && b[at + 5] == 0;
    }

    private static int fromTiff(byte[] b, int tiff, int end) {
        boolean big;
        if (b[tiff] == 'M' && b[tiff + 1] == 'M') {
            big = true;
        } else if (b[tiff] == 'I' && b[tiff + 1] == 'I') {
            big = false;
        } else {
            return 1;
        }
        long ifd = tiff + u32(b, tiff + 4, big);
        if (ifd + 2 > end) {
            return 1;
        }
        int entries = u16(b, (int) ifd, big);
        for (int i = 0; i < entries; i++) {
            int e = (int) ifd + 2 + 12 * i;
            if (e + 12 > end) {
                return 1;
            }
            if (u16(b, e, big) == TAG_ORIENTATION) {
                int value = u16(b, e + 8, big); // type SHORT, count 1: the value sits left-justified in the field
                return value >= 1 && value <= 8 ? value : 1;
            }
        }
        return 1;
    }

    private static int u16(byte[] b, int at, boolean big) {
        int x = b[at] & 0xff;
        int y = b[at + 1] & 0xff;
        return big ? (x << 8) | y : (y << 8) | x;
    }

    private static long u32(byte[] b, int at, boolean big) {
        long hi = u16(b, big ? at : at + 2, big);
        long lo = u16(b, big ? at + 2 : at, big);
        return (hi << 16) | lo;
    }
}
