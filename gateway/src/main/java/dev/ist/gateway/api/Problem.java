package dev.ist.gateway.api;

import dev.ist.common.job.FieldError;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An RFC 9457 problem document ({@code application/problem+json}). {@code errors} lists refused fields;
 * {@code extensions} carries members such as {@code limit} or {@code field}.
 */
public record Problem(String type, String title, int status, String detail, String instance,
                      List<FieldError> errors, Map<String, Object> extensions) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public Problem {
        errors = errors == null || errors.isEmpty() ? null : List.copyOf(errors);
        extensions = extensions == null ? Map.of() : new LinkedHashMap<>(extensions);
    }

    /** The wire form: the standard members first, then the extension members at top level. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        m.put("title", title);
        m.put("status", status);
        if (detail != null) {
            m.put("detail", detail);
        }
        if (instance != null) {
            m.put("instance", instance);
        }
        extensions.forEach(m::putIfAbsent);
        if (errors != null) {
            m.put("errors", errors);
        }
        return m;
    }
}
