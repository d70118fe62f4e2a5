package dev.ist.gateway.models;

import dev.ist.common.model.ModelInfo;

import java.time.Instant;

/** A registered model as the API shows it; {@code previewUrl} is a short-lived presigned GET, or null. */
public record ModelView(String name, String description, int minSide, int maxSide, int multipleOf, double inputScale,
                        String sha256, Instant uploadedAt, String previewUrl) {

    static ModelView of(ModelInfo i, String previewUrl) {
        return new ModelView(i.name(), i.description(), i.minSide(), i.maxSide(), i.multipleOf(), i.inputScale(),
                i.sha256(), i.uploadedAt(), previewUrl);
    }
}
