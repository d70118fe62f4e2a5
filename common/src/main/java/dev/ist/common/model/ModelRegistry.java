package dev.ist.common.model;

import dev.ist.common.ObjectKeys;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.storage.ImageStore;
import dev.ist.common.storage.ObjectNotFoundException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The feed-forward model registry in object storage: {@code models/<name>/model.onnx}, an optional preview, and
 * {@code model.json} ({@link ModelInfo}) written last, so a model is listed only once its network is in place.
 * Checking that the bytes are a usable network is the caller's job (the gateway loads them before registering).
 */
public final class ModelRegistry {

    private static final long MAX_METADATA_BYTES = 1 << 20;

    private final ImageStore store;
    private final JsonCodec codec = JsonCodec.shared();

    public ModelRegistry(ImageStore store) {
        this.store = store;
    }

    /** Stores the network (and preview) and then its metadata; returns the metadata as stored. */
    public ModelInfo register(ModelInfo info, byte[] onnx, byte[] preview, String previewContentType) {
        String name = info.name();
        store.put(ObjectKeys.model(name), onnx, "application/octet-stream");
        String previewKey = null;
        if (preview != null) {
            previewKey = ObjectKeys.modelPreview(name);
            store.put(previewKey, preview, previewContentType == null ? "application/octet-stream" : previewContentType);
        }
        ModelInfo stored = new ModelInfo(name, info.description(), info.minSide(), info.maxSide(), info.multipleOf(),
                info.tileSize(), info.tileOverlap(), info.inputScale(), previewKey, ImageStore.sha256Hex(onnx),
                info.uploadedAt());
        store.put(ObjectKeys.modelMetadata(name), codec.encode(stored), "application/json");
        return stored;
    }

    public Optional<ModelInfo> find(String name) {
        if (!ObjectKeys.isModelName(name)) {
            return Optional.empty();
        }
        byte[] json;
        try {
            json = store.get(ObjectKeys.modelMetadata(name), MAX_METADATA_BYTES);
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(codec.mapper().readValue(json, ModelInfo.class).withDefaults());
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable metadata of model " + name, e);
        }
    }

    /** Every registered model, by name. */
    public List<ModelInfo> list() {
        TreeSet<String> names = new TreeSet<>();
        for (String key : store.list(ObjectKeys.MODELS_PREFIX)) {
            String rest = key.substring(ObjectKeys.MODELS_PREFIX.length());
            int slash = rest.indexOf('/');
            if (slash > 0 && rest.substring(slash + 1).equals("model.json")) {
                names.add(rest.substring(0, slash));
            }
        }
        List<ModelInfo> models = new ArrayList<>();
        for (String name : names) {
            find(name).ifPresent(models::add);
        }
        return models;
    }
}
