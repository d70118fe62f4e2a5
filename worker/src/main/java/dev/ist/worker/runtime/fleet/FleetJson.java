package dev.ist.worker.runtime.fleet;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ist.common.storage.StorageException;

import java.io.IOException;

/** JSON of the small per-job control objects (owner, attempts, cancel marker). */
final class FleetJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private FleetJson() {
    }

    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + value, e);
        }
    }

    static <T> T read(byte[] json, Class<T> type, String key) {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new StorageException("control object " + key + " is not valid JSON: " + e.getMessage(), false, e);
        }
    }
}
