package dev.ist.gateway.api;

import java.util.List;
import java.util.Map;

/**
 * The JSON form of {@code POST /v1/jobs}, for images uploaded earlier through {@code POST /v1/images}.
 * Documentation only: the body is decoded by hand so that every error can name its field.
 */
public record JsonJobRequest(ImageId content, List<Style> styles, Map<String, Object> options) {

    public record ImageId(String sha256) {
    }

    public record Style(ImageId image, Double weight) {
    }
}
