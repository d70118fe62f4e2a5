package dev.ist.common.model;

import dev.ist.common.ObjectKeys;
import dev.ist.common.storage.ImageStore;
import dev.ist.common.storage.StorageConfig;
import dev.ist.testkit.S3Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The model registry against a real S3 API server, and the metadata's defaults and checks. */
class ModelRegistryTest {

    private final S3Server s3 = S3Server.shared();
    private ImageStore store;

    @BeforeEach
    void open() {
        String bucket = "ist-models-" + UUID.randomUUID().toString().substring(0, 8);
        store = new ImageStore(StorageConfig.of(s3.endpoint(), s3.accessKey(), s3.secretKey(), bucket));
        store.ensureBucket();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static ModelInfo info(String name) {
        return new ModelInfo(name, "d", 0, 0, 0, 0, 0, 0, null, null, Instant.parse("2026-11-25T12:00:00Z"))
                .withDefaults();
    }

    @Test
    void registeredModelsAreListedByNameWithDigestAndPreview() {
        ModelRegistry registry = new ModelRegistry(store);
        byte[] onnx = "net".getBytes(StandardCharsets.UTF_8);
        ModelInfo stored = registry.register(info("b-model"), onnx, new byte[] {1, 2}, "image/png");
        registry.register(info("a-model"), onnx, null, null);
        assertEquals(ImageStore.sha256Hex(onnx), stored.sha256());
        assertEquals(ObjectKeys.modelPreview("b-model"), stored.previewKey());
        assertEquals(List.of("a-model", "b-model"), registry.list().stream().map(ModelInfo::name).toList());
        assertEquals(stored, registry.find("b-model").orElseThrow());
        assertTrue(registry.find("c-model").isEmpty());
        assertTrue(registry.find("../x").isEmpty());
    }

    @Test
    void aModelWithoutMetadataIsNotListed() {
        // the ONNX file is written first; until model.json exists the model is not registered
        store.put(ObjectKeys.model("half"), new byte[] {1}, "application/octet-stream");
        assertEquals(List.of(), new ModelRegistry(store).list());
    }

    @Test
    void leftOutConstraintsTakeDefaultsAndBadOnesAreNamed() {
        ModelInfo d = info("m");
        assertEquals(ModelInfo.DEFAULT_MAX_SIDE, d.maxSide());
        assertEquals(d.maxSide(), d.tileSize());
        assertEquals(255.0, d.inputScale());
        assertEquals(List.of(), d.validate());
        ModelInfo bad = new ModelInfo("m", "", 64, 32, 1, 32, 8, 3.0, null, null, null).withDefaults();
        assertEquals(List.of("minSide", "tileSize", "inputScale"),
                bad.validate().stream().map(dev.ist.common.job.FieldError::field).toList());
    }
}
