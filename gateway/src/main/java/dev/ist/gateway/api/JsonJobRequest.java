package dev.ist.gateway.api;

import dev.ist.common.job.WebhookSpec;

import java.util.List;
import java.util.Map;

/**
 * The JSON form of {@code POST /v1/jobs}, for images uploaded earlier through {@code POST /v1/images}. The body is
 * decoded into this record by the shared codec (unknown fields and wrong types are refused naming the field), so the
 * documented schema is the schema; {@code options} then take their defaults like the multipart form's.
 * {@code deadline} (optional): an RFC 3339 instant or a duration ({@code 90s}); the {@code Cancel-After} header wins.
 * {@code webhook} (optional): {@code {"url": "https://…", "events": ["start","progress","completed"]}}.
 * {@code priority} (optional): {@code high}, {@code normal} (default) or {@code low}, any case.
 * Masks (optional, images uploaded through {@code POST /v1/images} like the others): {@code styles[i].mask} over the
 * output, {@code styles[i].styleMask} over style image i, and {@code options.contentMask}.
 */
public record JsonJobRequest(ImageId content, List<Style> styles, Map<String, Object> options,
                             WebhookSpec webhook, String deadline, String priority) {

    public record ImageId(String sha256) {
    }

    /**
     * @param mask      optional grey image over the output: white = this style applies, black = not at all
     * @param styleMask optional grey image over this style image: which part of it to sample
     */
    public record Style(ImageId image, Double weight, ImageId mask, ImageId styleMask) {
    }
}
