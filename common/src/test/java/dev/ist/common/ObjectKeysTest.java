package dev.ist.common;

import dev.ist.common.job.ImageRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ObjectKeysTest {

    private static final String JOB = Samples.JOB_ID;
    private static final String SHA = Samples.SHA_STYLE_2;

    @Test
    void inputsAreAddressedByTheirHash() {
        assertEquals("inputs/sha256/" + SHA, ObjectKeys.input(SHA));
        assertEquals(ObjectKeys.input(SHA), new ImageRef(SHA).key());
        assertTrue(ObjectKeys.isInputKey(ObjectKeys.input(SHA)));
        assertFalse(ObjectKeys.isInputKey("inputs/sha256/photo.jpg"));
        assertFalse(ObjectKeys.isInputKey(ObjectKeys.result(JOB, "png")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "../../../../etc/passwd", "photo.jpg",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void anythingButALowerCaseSha256IsRefusedAsAnInputKey(String notAHash) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ObjectKeys.input(notAHash));
        assertTrue(e.getMessage().contains("sha256"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ObjectKeys.input(null));
    }

    @Test
    void everythingAJobProducesLivesUnderItsId() {
        String prefix = "jobs/" + JOB + "/";
        assertEquals(prefix, ObjectKeys.jobPrefix(JOB));
        assertEquals(prefix + "result.png", ObjectKeys.result(JOB, "png"));
        assertEquals(prefix + "result.jpg", ObjectKeys.result(JOB, "JPG"));
        assertEquals(prefix + "result.tif", ObjectKeys.result(JOB, "tif"));
        assertEquals(prefix + "expired", ObjectKeys.expired(JOB));
        assertEquals(prefix + "previews/000042.jpg", ObjectKeys.preview(JOB, 42));
        assertEquals(prefix + "checkpoint.bin", ObjectKeys.checkpoint(JOB));
        assertEquals(prefix + "manifest.json", ObjectKeys.manifest(JOB));
    }

    @Test
    void previewKeysSortInIterationOrder() {
        List<String> keys = new ArrayList<>(List.of(ObjectKeys.preview(JOB, 1000), ObjectKeys.preview(JOB, 5),
                ObjectKeys.preview(JOB, 50), ObjectKeys.preview(JOB, 0)));
        keys.sort(null);
        assertEquals(List.of(ObjectKeys.preview(JOB, 0), ObjectKeys.preview(JOB, 5), ObjectKeys.preview(JOB, 50),
                ObjectKeys.preview(JOB, 1000)), keys);
        assertThrows(IllegalArgumentException.class, () -> ObjectKeys.preview(JOB, -1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "job-1", "../x", "0B9C6F4E-3A1D-4C55-9E2F-7D8A1B2C3D4E",
            "0b9c6f4e-3a1d-4c55-9e2f-7d8a1b2c3d4e/../../inputs"})
    void jobKeysRefuseAnythingButALowerCaseUuid(String notAJobId) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ObjectKeys.result(notAJobId,
                "png"));
        assertTrue(e.getMessage().contains("UUID"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ObjectKeys.checkpoint(notAJobId));
        assertThrows(IllegalArgumentException.class, () -> ObjectKeys.manifest(notAJobId));
        assertThrows(IllegalArgumentException.class, () -> ObjectKeys.preview(notAJobId, 1));
    }

    @Test
    void resultExtensionIsPngOrJpgOnly() {
        assertThrows(IllegalArgumentException.class, () -> ObjectKeys.result(JOB, "gif"));
        assertThrows(IllegalArgumentException.class, () -> ObjectKeys.result(JOB, "png/../../x"));
    }

    @Test
    void uuidsFromTheJdkAreJobIds() {
        assertTrue(ObjectKeys.isJobId(java.util.UUID.randomUUID().toString()));
        assertFalse(ObjectKeys.isJobId(null));
    }

    @Test
    void modelKeysLiveUnderTheModelsPrefixByName() {
        assertEquals("models/candy-v2/model.onnx", ObjectKeys.model("candy-v2"));
        assertEquals("models/candy-v2/model.json", ObjectKeys.modelMetadata("candy-v2"));
        assertEquals("models/candy-v2/preview", ObjectKeys.modelPreview("candy-v2"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Candy", "-candy", "a/b", "a..b", "../x", "ä"})
    void modelKeysRefuseNamesThatAreNotSafeKeySegments(String name) {
        assertFalse(ObjectKeys.isModelName(name));
        assertThrows(IllegalArgumentException.class, () -> ObjectKeys.model(name));
    }

    @Test
    void fleetMarkersAndWebhookRecordsLiveUnderTheJobPrefix() {
        String prefix = "jobs/" + JOB + "/";
        assertEquals(prefix + "owner", ObjectKeys.owner(JOB));
        assertEquals(prefix + "attempts", ObjectKeys.attempts(JOB));
        assertEquals(prefix + "cancelled", ObjectKeys.cancelled(JOB));
        assertEquals(prefix + "webhooks/msg_1_2.json", ObjectKeys.webhook(JOB, "msg_1_2"));
        assertEquals(java.util.Set.of(ObjectKeys.terminalMarker(JOB), ObjectKeys.owner(JOB), ObjectKeys.attempts(JOB),
                        ObjectKeys.cancelled(JOB), ObjectKeys.expired(JOB)),
                ObjectKeys.DURABLE_JOB_OBJECTS.stream().map(prefix::concat).collect(java.util.stream.Collectors.toSet()),
                "the objects kept when a job expires are the ones these builders name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "../x", "a/b", "a.json"})
    void webhookRecordKeysRefuseIdsThatAreNotSafeKeySegments(String id) {
        assertThrows(IllegalArgumentException.class, () -> ObjectKeys.webhook(JOB, id));
    }
}
