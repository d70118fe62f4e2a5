package dev.ist.worker.runtime.job;

import dev.ist.common.IstConfig;
import dev.ist.common.model.OnnxStyleNetwork;
import dev.ist.common.storage.ImageStore;
import dev.ist.common.storage.StorageConfig;
import dev.ist.worker.fast.FastStyleEngine;
import dev.ist.worker.fast.FastModelFixtures;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The FAST stylizer owns the networks it loaded: closing it (the worker does, on shutdown) closes them. */
class FastStylizerTest {

    @Test
    void closingTheStylizerClosesTheLoadedNetworks() throws Exception {
        // the store is never called: the network goes into the cache directly
        try (ImageStore unused = new ImageStore(StorageConfig.from(IstConfig.of(Map.of(
                "ist.s3.access-key", "a", "ist.s3.secret-key", "s"))))) {
            FastStyleEngine runner = new FastStyleEngine(unused, 2, 1 << 20);
            OnnxStyleNetwork net = runner.cache().get("tiny", "v1",
                    () -> OnnxStyleNetwork.load("tiny", FastModelFixtures.tinyStyleOnnx()));
            assertEquals(3 * 16 * 16, net.run(new float[3 * 16 * 16], 16, 16).length);

            new FastStylizer(runner).close();

            assertEquals(0, runner.cache().size());
            assertThrows(IllegalStateException.class, () -> net.run(new float[3 * 16 * 16], 16, 16));
        }
    }
}
