package dev.ist.common.storage;

import java.time.Instant;
import java.util.Map;

/**
 * What storage knows about one object.
 *
 * @param created for content-addressed puts: true when these bytes were new, false when they were already stored
 */
public record StoredObject(String key, long size, String contentType, String etag, Instant lastModified,
                           Map<String, String> metadata, boolean created) {

    public StoredObject {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
