package dev.ist.gateway.api;

/**
 * An uploaded image: refer to it in a JSON job as {@code {"sha256": id}}.
 *
 * @param created false when the same bytes had been uploaded before (content addressing stores them once)
 */
public record StoredImageResponse(String id, String sha256, String mediaType, int width, int height, long bytes,
                                  boolean created) {
}
