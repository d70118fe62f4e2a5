package dev.ist.common.job;

import dev.ist.common.ObjectKeys;

/**
 * A stored input image, always addressed by the SHA-256 of its bytes (never by a user-supplied name).
 *
 * @param sha256 lower-case hex SHA-256 of the stored bytes
 */
public record ImageRef(String sha256) {

    /** The object key this image is stored under. */
    public String key() {
        return ObjectKeys.input(sha256);
    }
}
