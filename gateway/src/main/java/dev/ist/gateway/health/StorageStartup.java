package dev.ist.gateway.health;

import dev.ist.common.storage.ImageStore;
import dev.ist.common.storage.StorageException;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** Makes sure the bucket exists at start-up; storage trouble is logged, uploads then answer 503 until it heals. */
@ApplicationScoped
public class StorageStartup {

    private static final Logger LOG = Logger.getLogger(StorageStartup.class);

    void onStart(@Observes StartupEvent event, ImageStore store) {
        try {
            store.ensureBucket();
        } catch (StorageException e) {
            LOG.errorf("object storage is not usable yet: %s", e.getMessage());
        }
    }
}
