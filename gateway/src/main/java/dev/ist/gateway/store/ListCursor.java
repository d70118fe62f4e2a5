package dev.ist.gateway.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Where a page of the job list ends (keyset pagination on submission time, then id). Clients see it as an opaque
 * string; a malformed one is refused, never guessed at.
 */
public record ListCursor(Instant submittedAt, String jobId) {

    private static final String VERSION = "1";

    public String encode() {
        String raw = VERSION + "|" + submittedAt.getEpochSecond() + "|" + submittedAt.getNano() + "|" + jobId;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor a client sent back; IllegalArgumentException when it is not one this gateway made. */
    public static ListCursor decode(String token) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\\|", -1);
            if (parts.length != 4 || !VERSION.equals(parts[0]) || parts[3].isEmpty() || parts[3].length() > 64) {
                throw new IllegalArgumentException("not a list cursor");
            }
            return new ListCursor(Instant.ofEpochSecond(Long.parseLong(parts[1]), Long.parseLong(parts[2])), parts[3]);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a list cursor", e);
        }
    }
}
