package dev.ist.common.storage;

import dev.ist.testkit.S3Server;
import org.junit.jupiter.api.Test;

import java.util.UUID;

class ConditionalPutProbeTest {
    @Test
    void probe() {
        S3Server s3 = S3Server.shared();
        String bucket = "probe-" + UUID.randomUUID().toString().substring(0, 8);
        try (ImageStore store = new ImageStore(StorageConfig.of(s3.endpoint(), s3.accessKey(), s3.secretKey(), bucket))) {
            store.ensureBucket();
            String e1 = store.putIfAbsent("k", new byte[]{1}, null);
            System.out.println("PROBE first putIfAbsent etag=" + e1);
            try {
                String e2 = store.putIfAbsent("k", new byte[]{2}, null);
                System.out.println("PROBE second putIfAbsent ACCEPTED etag=" + e2 + " content=" + store.get("k")[0]);
            } catch (PreconditionFailedException e) {
                System.out.println("PROBE second putIfAbsent REFUSED " + e.getMessage());
            }
            try {
                String e3 = store.putIfMatch("k", new byte[]{3}, null, "00000000000000000000000000000000");
                System.out.println("PROBE putIfMatch wrong etag ACCEPTED etag=" + e3 + " content=" + store.get("k")[0]);
            } catch (PreconditionFailedException e) {
                System.out.println("PROBE putIfMatch wrong REFUSED " + e.getMessage());
            } catch (StorageException e) {
                System.out.println("PROBE putIfMatch wrong other " + e.getMessage());
            }
            String cur = store.stat("k").get().etag();
            try {
                String e4 = store.putIfMatch("k", new byte[]{4}, null, cur);
                System.out.println("PROBE putIfMatch right ACCEPTED etag=" + e4 + " content=" + store.get("k")[0]);
            } catch (StorageException e) {
                System.out.println("PROBE putIfMatch right failed " + e.getMessage());
            }
        }
    }
}
