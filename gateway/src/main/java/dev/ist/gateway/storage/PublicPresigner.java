package dev.ist.gateway.storage;

import dev.ist.common.storage.ImageStore;
import dev.ist.common.storage.StorageConfig;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.Optional;

/**
 * Presigned URLs for clients. The gateway reaches storage at {@code ist.s3.endpoint} (in compose or Kubernetes an
 * internal service name a browser cannot resolve); {@code ist.s3.public-endpoint} is where clients reach the same
 * storage. A signature covers the host, so the URL is signed for the public address, by a client of its own (signing
 * needs no connection when the region is known).
 */
@Singleton
public class PublicPresigner {

    private final ImageStore internal;
    private final ImageStore publicFacing;

    public PublicPresigner(ImageStore store,
                           @ConfigProperty(name = "ist.s3.public-endpoint") Optional<String> publicEndpoint) {
        this.internal = store;
        this.publicFacing = publicEndpoint.filter(e -> !e.isBlank())
                .map(e -> new ImageStore(publicConfig(store.config(), e.trim())))
                .orElse(null);
    }

    static StorageConfig publicConfig(StorageConfig c, String endpoint) {
        return new StorageConfig(endpoint, c.accessKey(), c.secretKey(), c.bucket(), c.region(), false, c.retry(),
                c.timeout());
    }

    public String presignedGet(String key, Duration expiry) {
        return (publicFacing == null ? internal : publicFacing).presignedGet(key, expiry);
    }

    @PreDestroy
    void close() {
        if (publicFacing != null) {
            publicFacing.close();
        }
    }
}
