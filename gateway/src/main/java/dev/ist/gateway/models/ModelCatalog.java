package dev.ist.gateway.models;

import dev.ist.common.model.ModelInfo;
import dev.ist.common.model.ModelRegistry;
import dev.ist.common.storage.ImageStore;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Optional;

/** The gateway's view of the model registry in object storage (read on every call: uploads are rare, lists small). */
@Singleton
public class ModelCatalog {

    private final ModelRegistry registry;

    public ModelCatalog(ImageStore store) {
        this.registry = new ModelRegistry(store);
    }

    public Optional<ModelInfo> find(String name) {
        return registry.find(name);
    }

    public boolean exists(String name) {
        return find(name).isPresent();
    }

    public List<ModelInfo> list() {
        return registry.list();
    }

    public ModelInfo register(ModelInfo info, byte[] onnx, byte[] preview, String previewType) {
        return registry.register(info, onnx, preview, previewType);
    }
}
