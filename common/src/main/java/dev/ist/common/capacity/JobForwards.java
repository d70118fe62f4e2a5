package dev.ist.common.capacity;

import java.nio.charset.StandardCharsets;

/**
 * How many times workers have forwarded a job record to another pool, carried in the record's {@link #HEADER} Kafka
 * header (absent = never). A worker forwards a job its budget refuses to a pool that fits it; the count bounds a
 * ping-pong between pools whose advertised capacity disagrees with what their workers find, and lets a reader of
 * several pools' topics tell the newer routing of a job from the older.
 */
public final class JobForwards {
    public static final String HEADER = "ist-forwards";
    /** After this many forwards a job that still does not fit is FAILED instead of forwarded again. */
    public static final int DEFAULT_MAX = 3;

    private JobForwards() {
    }

    /** The count in a header's value; 0 for null or anything that is not a small non-negative number. */
    public static int parse(byte[] value) {
        if (value == null) {
            return 0;
        }
        try {
            int n = Integer.parseInt(new String(value, StandardCharsets.US_ASCII).trim());
            return Math.max(0, n);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public static byte[] encode(int count) {
        return Integer.toString(count).getBytes(StandardCharsets.US_ASCII);
    }
}
