package dev.ist.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * An RFC 9457 problem document as the gateway sends it ({@code application/problem+json}): title, detail, and the
 * refused fields in {@code errors}. Also built for answers that are not problem documents (a proxy's HTML page).
 */
public record Problem(int status, String type, String title, String detail, List<FieldError> errors,
                      String retryAfter) {

    /** One refused field, e.g. {@code options.size: must be between 16 and 2048}. */
    public record FieldError(String field, String message) {
    }

    public Problem {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    /** From a response body; {@code body} may be null or not JSON at all (then title is the HTTP status). */
    public static Problem of(int status, JsonNode body, String retryAfter) {
        if (body == null || !body.isObject()) {
            return new Problem(status, null, "HTTP " + status, null, List.of(), retryAfter);
        }
        List<FieldError> errors = new ArrayList<>();
        JsonNode list = body.path("errors");
        if (list.isArray()) {
            for (JsonNode e : list) {
                errors.add(new FieldError(text(e, "field"), text(e, "message")));
            }
        }
        String title = text(body, "title");
        return new Problem(status, text(body, "type"), title == null ? "HTTP " + status : title,
                text(body, "detail"), errors, retryAfter);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
