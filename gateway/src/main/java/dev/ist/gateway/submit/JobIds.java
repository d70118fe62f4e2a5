package dev.ist.gateway.submit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Job ids. Without an Idempotency-Key a job gets a random UUID; with one, a name-based UUID (version 5, SHA-1) of
 * (owner, key) in IST's namespace, so a retry maps to the same job on any replica and after any restart, without
 * any state beyond the events topic.
 */
public final class JobIds {

    /** IST's namespace for name-based job ids (a fixed random UUID). */
    static final UUID NAMESPACE = UUID.fromString("6f1d3b0e-8a51-4c7e-9a43-2f6e0c1b5d77");

    private JobIds() {
    }

    public static String random() {
        return UUID.randomUUID().toString();
    }

    public static String forIdempotencyKey(String owner, String idempotencyKey) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            ByteBuffer ns = ByteBuffer.allocate(16);
            ns.putLong(NAMESPACE.getMostSignificantBits()).putLong(NAMESPACE.getLeastSignificantBits());
            sha1.update(ns.array());
            // the NUL keeps ("ab","c") and ("a","bc") apart; owner names cannot contain it
            sha1.update((owner + '\0' + idempotencyKey).getBytes(StandardCharsets.UTF_8));
            byte[] h = sha1.digest();
            h[6] = (byte) ((h[6] & 0x0f) | 0x50);
            h[8] = (byte) ((h[8] & 0x3f) | 0x80);
            ByteBuffer b = ByteBuffer.wrap(h, 0, 16);
            return new UUID(b.getLong(), b.getLong()).toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 missing from this JVM", e);
        }
    }
}
