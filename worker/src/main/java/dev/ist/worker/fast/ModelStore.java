package dev.ist.worker.fast;

import dev.ist.common.ObjectKeys;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.model.InvalidModelException;
import dev.ist.common.model.ModelInfo;
import dev.ist.common.model.OnnxStyleNetwork;
import dev.ist.common.storage.ImageStore;
import dev.ist.common.storage.ObjectNotFoundException;
import dev.ist.common.storage.ObjectTooLargeException;
import dev.ist.common.storage.StoredObject;
import dev.ist.worker.engine.WeightsException;

import java.io.IOException;
import java.util.Optional;

/**
 * Reads the model registry in object storage for a worker: a model's {@link ModelInfo} and its ONNX network,
 * through a {@link ModelCache} so each version of a model is loaded once.
 */
public final class ModelStore {

    /** A loaded model and what the registry says about it. */
    public record Loaded(ModelInfo info, OnnxStyleNetwork stylizer) {
    }

    private final ImageStore store;
    private final ModelCache cache;
    private final long maxModelBytes;

    public ModelStore(ImageStore store, ModelCache cache, long maxModelBytes) {
        this.store = store;
        this.cache = cache;
        this.maxModelBytes = maxModelBytes;
    }

    /** Throws {@link WeightsException} when the model is not registered or cannot be loaded. */
    public Loaded load(String name) {
        ModelInfo info = info(name);
        Optional<StoredObject> object = store.stat(ObjectKeys.model(name));
        if (object.isEmpty()) {
            throw new WeightsException("model \"" + name + "\" has metadata but no ONNX file in storage");
        }
        String version = object.get().etag() + "/" + info.sha256();
        try {
            OnnxStyleNetwork stylizer = cache.get(name, version, () -> {
                byte[] bytes = store.get(ObjectKeys.model(name), maxModelBytes);
                if (info.sha256() != null && !info.sha256().equals(ImageStore.sha256Hex(bytes))) {
                    throw new InvalidModelException("the stored ONNX file does not match the registered digest "
                            + info.sha256() + " (being replaced?)");
                }
                return OnnxStyleNetwork.load(name, bytes);
            });
            return new Loaded(info, stylizer);
        } catch (InvalidModelException e) {
            throw new WeightsException("model \"" + name + "\" cannot be used: " + e.getMessage());
        } catch (ObjectNotFoundException e) {
            throw new WeightsException("model \"" + name + "\" disappeared from storage while loading");
        } catch (ObjectTooLargeException e) {
            throw new WeightsException("model \"" + name + "\" is " + e.size() + " bytes, over the worker's limit of "
                    + e.limit() + " (ist.worker.max-model-bytes)");
        }
    }

    public ModelInfo info(String name) {
        byte[] json;
        try {
            json = store.get(ObjectKeys.modelMetadata(name), 1 << 20);
        } catch (ObjectNotFoundException e) {
            throw new WeightsException("model \"" + name + "\" is not registered (see GET /v1/models)");
        }
        try {
            return JsonCodec.shared().mapper().readValue(json, ModelInfo.class).withDefaults();
        } catch (IOException e) {
            throw new WeightsException("model \"" + name + "\" has unreadable metadata: " + e.getMessage());
        }
    }
}
