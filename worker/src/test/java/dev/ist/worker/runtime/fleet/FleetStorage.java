package dev.ist.worker.runtime.fleet;

import dev.ist.common.storage.ImageStore;
import dev.ist.common.storage.StorageConfig;
import dev.ist.testkit.S3Server;

import java.util.Locale;
import java.util.UUID;

/** A fresh bucket on the shared real S3 server (S3Proxy) for one test. */
final class FleetStorage {
    private FleetStorage() {
    }

    static ImageStore freshStore(String name) {
        S3Server s3 = S3Server.shared();
        String bucket = ("fleet-" + name + "-" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
        ImageStore store = new ImageStore(StorageConfig.of(s3.endpoint(), s3.accessKey(), s3.secretKey(), bucket));
        store.ensureBucket();
        return store;
    }
}
