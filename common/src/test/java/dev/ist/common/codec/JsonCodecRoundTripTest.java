package dev.ist.common.codec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ist.common.Samples;
import dev.ist.common.event.ControlMessage;
import dev.ist.common.event.DeadLetter;
import dev.ist.common.event.EventType;
import dev.ist.common.event.JobEvent;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.JobRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonCodecRoundTripTest {

    private final JsonCodec codec = JsonCodec.shared();

    @Test
    void jobRequestWithEveryOptionSetSurvivesEncodeAndDecode() throws Exception {
        JobRequest request = Samples.everyFieldRequest();
        // the sample really differs from the defaults in every option, or this test would prove less than it claims
        JobOptions defaults = JobOptions.defaults();
        for (var component : JobOptions.class.getRecordComponents()) {
            assertNotEquals(component.getAccessor().invoke(defaults), component.getAccessor().invoke(request.options()),
                    "sample option equals its default: " + component.getName());
        }
        assertEquals(request, codec.decodeRequest(codec.encode(request)));
    }

    @Test
    void encodedRequestIsPlainJsonWithVersionIsoTimestampAndNamedFields() throws Exception {
        JsonNode json = codec.mapper().readTree(codec.encode(Samples.fullRequest()));
        assertEquals(JobRequest.SCHEMA_VERSION, json.get("v").asInt());
        assertEquals("2026-11-25T12:34:56.123456789Z", json.get("submittedAt").asText());
        assertEquals(Samples.SHA_CONTENT, json.get("content").get("sha256").asText());
        assertEquals(0.7, json.get("styles").get(0).get("weight").asDouble());
        assertEquals("ADAM", json.get("options").get("optimizer").asText());
        assertEquals("conv5_2", json.get("options").get("contentLayers").get(1).asText());
    }

    @Test
    void requestWithoutOptionsDecodesWithTheDefaults() throws Exception {
        String json = """
                {"v":1,"jobId":"%s","submittedAt":"2026-11-25T12:00:00Z","content":{"sha256":"%s"},
                 "styles":[{"image":{"sha256":"%s"},"weight":1.0}]}
                """.formatted(Samples.JOB_ID, Samples.SHA_CONTENT, Samples.SHA_STYLE_1);
        JobRequest decoded = codec.decodeRequest(json.getBytes(StandardCharsets.UTF_8));
        assertEquals(JobOptions.defaults(), decoded.options());
        assertEquals(null, decoded.owner());
    }

    @Test
    void partialOptionsKeepWhatWasSentAndDefaultTheRest() throws Exception {
        String json = """
                {"v":1,"jobId":"%s","submittedAt":"2026-11-25T12:00:00Z","content":{"sha256":"%s"},
                 "styles":[{"image":{"sha256":"%s"},"weight":1.0}],
                 "options":{"size":256,"optimizer":"adam","initImage":null}}
                """.formatted(Samples.JOB_ID, Samples.SHA_CONTENT, Samples.SHA_STYLE_1);
        JobOptions options = codec.decodeRequest(json.getBytes(StandardCharsets.UTF_8)).options();
        assertEquals(JobOptions.defaults().toBuilder().size(256)
                .optimizer(dev.ist.common.job.Optimizer.ADAM).build(), options);
    }

    @Test
    void optionsAloneDecodeWithDefaultsForWhatIsMissing() throws Exception {
        JobOptions options = codec.decodeOptions("{\"iterations\":42,\"preserveColors\":true}"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(JobOptions.defaults().toBuilder().iterations(42).preserveColors(true).build(), options);
        assertEquals(Samples.allOptions(), codec.decodeOptions(codec.encode(Samples.allOptions())));
    }

    static List<JobEvent> events() {
        return Samples.eventsOfEveryType();
    }

    @ParameterizedTest
    @MethodSource("events")
    void jobEventOfEachTypeSurvivesEncodeAndDecode(JobEvent event) throws Exception {
        JobEvent decoded = codec.decodeEvent(codec.encode(event));
        assertEquals(event, decoded);
        assertEquals(event.isTerminal(), decoded.isTerminal());
    }

    @Test
    void samplesCoverEveryEventType() {
        Set<EventType> covered = events().stream().map(JobEvent::type).collect(Collectors.toSet());
        assertEquals(EnumSet.allOf(EventType.class), covered);
    }

    @Test
    void terminalEventsAreExactlySucceededFailedAndCancelled() {
        Set<EventType> terminal = Arrays.stream(EventType.values()).filter(EventType::isTerminal)
                .collect(Collectors.toSet());
        assertEquals(EnumSet.of(EventType.SUCCEEDED, EventType.FAILED, EventType.CANCELLED), terminal);
    }

    @Test
    void controlMessageSurvivesEncodeAndDecode() throws Exception {
        ControlMessage cancel = Samples.cancel();
        assertEquals(cancel, codec.decodeControl(codec.encode(cancel)));
        assertEquals(cancel, codec.decodeControl(codec.encodeToString(cancel).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void deadLetterSurvivesEncodeAndDecodeAndKeepsTheOriginalBytes() throws Exception {
        DeadLetter letter = Samples.deadLetter();
        DeadLetter decoded = codec.decodeDeadLetter(codec.encode(letter));
        assertEquals(letter, decoded);
        assertEquals("{not json", new String(java.util.Base64.getDecoder().decode(decoded.payloadBase64()),
                StandardCharsets.UTF_8));
    }

    @Test
    void aNetworkReportIsOptionalAndTellsARandomNetworkByItsDescription() throws Exception {
        dev.ist.common.event.NetworkInfo random = dev.ist.common.event.NetworkInfo.of("random(seed=1,channels=64)",
                "00".repeat(32));
        assertTrue(random.random());
        assertFalse(dev.ist.common.event.NetworkInfo.of("vgg19-dcbb9e9d.pth", "11".repeat(32)).random());
        JobEvent withNetwork = JobEvent.running(Samples.JOB_ID, 1, Samples.AT, "w", null).withNetwork(random);
        assertTrue(codec.encodeToString(withNetwork).contains("\"random\":true"));
        assertEquals(random, codec.decodeEvent(codec.encode(withNetwork)).network());
        // an event of a worker that does not report its network still decodes
        String old = "{\"v\":1,\"jobId\":\"" + Samples.JOB_ID + "\",\"seq\":1,\"at\":\"2026-01-01T00:00:00Z\","
                + "\"workerId\":\"w\",\"type\":\"RUNNING\"}";
        assertEquals(null, codec.decodeEvent(old.getBytes(StandardCharsets.UTF_8)).network());
    }

    @Test
    void nullFieldsAreLeftOutOfTheEncoding() {
        String queued = codec.encodeToString(JobEvent.queued(Samples.JOB_ID, Samples.AT));
        assertFalse(queued.contains("null"), queued);
        assertFalse(queued.contains("progress"), queued);
        assertTrue(queued.contains("\"type\":\"QUEUED\""), queued);
    }
}
