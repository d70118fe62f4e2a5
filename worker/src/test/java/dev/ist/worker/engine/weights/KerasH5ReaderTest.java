package dev.ist.worker.engine.weights;

import dev.ist.common.job.VggLayerNames;
import dev.ist.worker.engine.Fixtures;
import dev.ist.worker.engine.Preprocessing;
import dev.ist.worker.engine.Vgg19Weights;
import dev.ist.worker.engine.Vgg19Weights.Tensor;
import dev.ist.worker.engine.WeightsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keras' HDF5 weights (fixtures by tools/fixtures/make_keras_fixture.py from the same tiny VGG19 as
 * tiny-vgg19.safetensors), in Keras 2's nested layout and in the 2016 release's flat one, and Keras' cache folder in
 * the resolver.
 */
class KerasH5ReaderTest {

    /** Keras' cache is a local file: none of these cases may reach for the network. */
    private static final WeightsDownload NO_DOWNLOAD = (url, target) -> {
        throw new AssertionError("no download expected, asked for " + url);
    };
    @TempDir
    Path dir;

    @Test
    void bothKerasLayoutsHoldTheSafetensorsTensorsTransposedToOihw() {
        Vgg19Weights safe = WeightsLoader.load(Fixtures.path("tiny-vgg19.safetensors"), null);
        for (String fixture : List.of("tiny-vgg19-keras.h5", "tiny-vgg19-keras1.h5")) {
            Vgg19Weights keras = WeightsLoader.load(Fixtures.path(fixture), null);
            assertEquals(32, keras.tensors().size(), fixture + ": 16 convolutions x (weight, bias)");
            assertEquals(16, keras.usableConvCount(), fixture);
            for (int index : VggLayerNames.convIndices()) {
                assertArrayEquals(safe.weight(index).shape(), keras.weight(index).shape(), fixture + " " + index);
                assertArrayEquals(safe.weight(index).data(), keras.weight(index).data(), fixture + " " + index);
                assertArrayEquals(safe.bias(index).data(), keras.bias(index).data(), fixture + " " + index);
            }
            assertEquals(Preprocessing.CAFFE, keras.preprocessing(), fixture + ": Keras' preprocess_input is caffe");
        }
    }

    @Test
    void aKernelIsTransposedFromHwioToOihw() {
        // value = 1000*y + 100*x + 10*i + o at HWIO (y, x, i, o), 3x3 kernel, 2 in, 4 out
        float[] hwio = new float[3 * 3 * 2 * 4];
        int n = 0;
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 3; x++) {
                for (int i = 0; i < 2; i++) {
                    for (int o = 0; o < 4; o++) {
                        hwio[n++] = 1000 * y + 100 * x + 10 * i + o;
                    }
                }
            }
        }
        Tensor oihw = KerasH5Reader.hwioToOihw(new Tensor(new long[] {3, 3, 2, 4}, hwio), dir, "block1_conv1");
        assertArrayEquals(new long[] {4, 2, 3, 3}, oihw.shape());
        // (o=3, i=1, y=2, x=0)
        assertEquals(2013f, oihw.data()[((3 * 2 + 1) * 3 + 2) * 3]);
        assertEquals(0f, oihw.data()[0]);
    }

    @Test
    void aTruncatedH5IsRefusedWithItsPath() throws IOException {
        byte[] full = Files.readAllBytes(Fixtures.path("tiny-vgg19-keras.h5"));
        Path cut = dir.resolve("cut.h5");
        Files.write(cut, Arrays.copyOf(full, full.length / 3));
        WeightsException e = assertThrows(WeightsException.class, () -> WeightsLoader.load(cut, null));
        assertTrue(e.getMessage().contains(cut.toString()), e.getMessage());
    }

    @Test
    void theResolverPicksUpKerasCachedFileUnderAHomeFolder() throws IOException {
        Path home = dir.resolve("home");
        Path models = Files.createDirectories(home.resolve(".keras/models"));
        Path file = Files.copy(Fixtures.path("tiny-vgg19-keras.h5"), models.resolve(WeightsResolver.KERAS_NOTOP_FILE));
        WeightsResolver resolver = new WeightsResolver(dir.resolve("ist-cache"), URI.create(WeightsResolver.DEFAULT_URL),
                true, List.of(dir.resolve("torch")), new WeightsResolver.KerasCache(home.resolve(".keras/models"),
                WeightsLoader.md5(file)), NO_DOWNLOAD);
        assertEquals(file, resolver.resolve());
        Vgg19Weights w = resolver.load();
        assertEquals(Preprocessing.CAFFE, w.preprocessing());
        assertEquals(WeightsLoader.sha256(file), w.sha256());
    }

    @Test
    void aKerasFileThatIsNotKerasPublishedOneIsRefusedNamingBothHashes() throws IOException {
        Path home = dir.resolve("home");
        Path models = Files.createDirectories(home.resolve(".keras/models"));
        Path file = Files.copy(Fixtures.path("tiny-vgg19-keras.h5"), models.resolve(WeightsResolver.KERAS_NOTOP_FILE));
        // the settings' resolver for that home pins Keras' published MD5, which the tiny fixture cannot have
        WeightsResolver resolver = WeightsResolver.fromSettings(home, null, null, NO_DOWNLOAD);
        WeightsException e = assertThrows(WeightsException.class, resolver::resolve);
        assertTrue(e.getMessage().contains("checksum mismatch") && e.getMessage().contains(file.toString())
                && e.getMessage().contains(WeightsResolver.KERAS_NOTOP_MD5)
                && e.getMessage().contains(WeightsLoader.md5(file)), e.getMessage());
    }

    @Test
    void kerasHomeMovesTheCacheFolderAsInKeras() throws IOException {
        Path kerasHome = dir.resolve("keras-home");
        Path models = Files.createDirectories(kerasHome.resolve("models"));
        Files.copy(Fixtures.path("tiny-vgg19-keras.h5"), models.resolve(WeightsResolver.KERAS_NOTOP_FILE));
        WeightsException e = assertThrows(WeightsException.class,
                () -> WeightsResolver.fromSettings(dir.resolve("home"), null, kerasHome.toString(), NO_DOWNLOAD).resolve());
        assertTrue(e.getMessage().contains(models.toString()), e.getMessage());
    }
}
