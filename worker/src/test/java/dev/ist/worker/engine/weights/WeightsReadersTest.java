package dev.ist.worker.engine.weights;

import dev.ist.common.job.VggLayerNames;
import dev.ist.worker.engine.Fixtures;
import dev.ist.worker.engine.Preprocessing;
import dev.ist.worker.engine.Vgg19Weights;
import dev.ist.worker.engine.WeightsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The legacy and zip .pth readers and the safetensors reader agree on PyTorch-written fixtures. */
class WeightsReadersTest {
    @TempDir
    Path dir;

    @Test
    void legacyZipAndSafetensorsHoldTheSameFeatureTensors() {
        Vgg19Weights legacy = WeightsLoader.load(Fixtures.path("tiny-vgg19-legacy.pth"), null);
        Vgg19Weights zip = WeightsLoader.load(Fixtures.path("tiny-vgg19-zip.pth"), null);
        Vgg19Weights safe = WeightsLoader.load(Fixtures.path("tiny-vgg19.safetensors"), null);
        assertEquals(32, legacy.tensors().size(), "16 convolutions x (weight, bias)");
        assertEquals(16, legacy.usableConvCount());
        for (int index : VggLayerNames.convIndices()) {
            Vgg19Weights.Tensor w = legacy.weight(index);
            assertArrayEquals(w.shape(), zip.weight(index).shape());
            assertArrayEquals(w.data(), zip.weight(index).data());
            assertArrayEquals(w.data(), safe.weight(index).data());
            assertArrayEquals(legacy.bias(index).data(), safe.bias(index).data());
        }
        assertArrayEquals(new long[] {4, 3, 3, 3}, legacy.weight(0).shape());
        assertArrayEquals(new long[] {8, 8, 3, 3}, legacy.weight(34).shape());
        assertFalse(legacy.tensors().keySet().stream().anyMatch(k -> k.startsWith("classifier")),
                "the classifier is not decoded");
        assertEquals(Preprocessing.TORCHVISION, legacy.preprocessing());
    }

    @Test
    void aPickleCallingAnArbitraryGlobalIsRefused() throws IOException {
        // protocol 2: GLOBAL 'os system', then REDUCE with ('true',)
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(new byte[] {(byte) 0x80, 2});
        b.write("cos\nsystem\n".getBytes(StandardCharsets.US_ASCII));
        b.write(new byte[] {'X', 4, 0, 0, 0});
        b.write("true".getBytes(StandardCharsets.US_ASCII));
        b.write(new byte[] {(byte) 0x85, 'R', '.'});
        Path evil = dir.resolve("evil.pth");
        Files.write(evil, b.toByteArray());
        WeightsException e = assertThrows(WeightsException.class, () -> WeightsLoader.load(evil, null));
        assertTrue(e.getMessage().contains("os.system"), e.getMessage());
    }

    @Test
    void aTruncatedCheckpointIsReportedAsTruncated() throws IOException {
        byte[] full = Files.readAllBytes(Fixtures.path("tiny-vgg19-legacy.pth"));
        Path cut = dir.resolve("cut.pth");
        Files.write(cut, java.util.Arrays.copyOf(full, full.length / 2));
        WeightsException e = assertThrows(WeightsException.class, () -> WeightsLoader.load(cut, null));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void aFileThatIsNoCheckpointIsRefusedWithItsPath() throws IOException {
        Path text = dir.resolve("notes.pth");
        Files.writeString(text, "hello, these are not weights");
        WeightsException e = assertThrows(WeightsException.class, () -> WeightsLoader.load(text, null));
        assertTrue(e.getMessage().contains(text.toString()), e.getMessage());
    }

    @Test
    void theHashPrefixInTheFileNameIsVerified() throws IOException {
        Path source = Fixtures.path("tiny-vgg19-zip.pth");
        String sha = WeightsLoader.sha256(source);
        Path good = dir.resolve("tiny-" + sha.substring(0, 8) + ".pth");
        Files.copy(source, good);
        assertEquals(sha, WeightsLoader.load(good, null).sha256());
        Path bad = dir.resolve("tiny-deadbeef.pth");
        Files.copy(source, bad);
        WeightsException e = assertThrows(WeightsException.class, () -> WeightsLoader.load(bad, null));
        assertTrue(e.getMessage().contains("checksum mismatch") && e.getMessage().contains("deadbeef"), e.getMessage());
    }

    @Test
    void aMissingFileIsNamedInTheError() {
        Path missing = dir.resolve("vgg19-dcbb9e9d.pth");
        WeightsException e = assertThrows(WeightsException.class, () -> WeightsLoader.load(missing, null));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void caffeWeightsAreRecognisedByTheirHashPrefix() {
        assertEquals(WeightsLoader.CAFFE_VGG19_HASH_PREFIX, WeightsLoader.expectedHashPrefix("vgg19-d01eb7cb.pth"));
        assertEquals("dcbb9e9d", WeightsLoader.expectedHashPrefix("vgg19-dcbb9e9d.pth"));
        assertEquals(null, WeightsLoader.expectedHashPrefix("my-weights.safetensors"));
    }

    @Test
    void randomWeightsAreSeededAndShapedLikeVgg19() {
        Vgg19Weights a = RandomWeights.vgg19(3);
        Vgg19Weights b = RandomWeights.vgg19(3);
        assertArrayEquals(a.weight(28).data(), b.weight(28).data());
        assertArrayEquals(new long[] {512, 512, 3, 3}, a.weight(28).shape());
        assertFalse(java.util.Arrays.equals(a.weight(0).data(), RandomWeights.vgg19(4).weight(0).data()));
        assertTrue(a.description().startsWith("random(seed=3"));
    }
}
