package dev.ist.common.codec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ist.common.Samples;
import dev.ist.common.event.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every bad payload becomes an {@link InvalidMessageException} (never a Jackson exception) whose field and message name
 * what is wrong.
 */
class JsonCodecRejectionTest {

    private final JsonCodec codec = JsonCodec.shared();

    private ObjectNode request() {
        return codec.mapper().valueToTree(Samples.fullRequest());
    }

    private ObjectNode event() {
        return codec.mapper().valueToTree(Samples.eventsOfEveryType().get(2));
    }

    private static byte[] bytes(Object node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static InvalidMessageException rejected(ErrorCode code, String field, Executable decode) {
        InvalidMessageException e = assertThrows(InvalidMessageException.class, decode);
        assertEquals(code, e.code(), e.getMessage());
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.getMessage().startsWith(field + ": "), e.getMessage());
        return e;
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"v\":1,", "not json at all", "{\"v\":1}}", "\u0000\u0001"})
    void malformedJsonIsRejectedAsMalformedMessage(String payload) {
        InvalidMessageException e = rejected(ErrorCode.MALFORMED_MESSAGE, "$",
                () -> codec.decodeRequest(payload.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "42", "\"text\"", "null"})
    void jsonThatIsNotAnObjectIsRejected(String payload) {
        InvalidMessageException e = rejected(ErrorCode.MALFORMED_MESSAGE, "$",
                () -> codec.decodeEvent(payload.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("must be a JSON object"), e.getMessage());
    }

    @Test
    void emptyAndNullPayloadsAreRejected() {
        rejected(ErrorCode.MALFORMED_MESSAGE, "$", () -> codec.decodeRequest(new byte[0]));
        rejected(ErrorCode.MALFORMED_MESSAGE, "$", () -> codec.decodeControl(null));
    }

    @Test
    void unknownSchemaVersionIsRejectedWithTheVersionsNamed() {
        ObjectNode r = request().put("v", 2);
        InvalidMessageException e = rejected(ErrorCode.UNSUPPORTED_VERSION, "v", () -> codec.decodeRequest(bytes(r)));
        assertTrue(e.getMessage().contains("unsupported schema version 2"), e.getMessage());
        assertTrue(e.getMessage().contains("speaks 1"), e.getMessage());

        ObjectNode ev = event().put("v", 99);
        rejected(ErrorCode.UNSUPPORTED_VERSION, "v", () -> codec.decodeEvent(bytes(ev)));
        ObjectNode c = codec.mapper().valueToTree(Samples.cancel());
        c.put("v", 0);
        rejected(ErrorCode.UNSUPPORTED_VERSION, "v", () -> codec.decodeControl(bytes(c)));
        ObjectNode d = codec.mapper().valueToTree(Samples.deadLetter());
        d.put("v", 7);
        rejected(ErrorCode.UNSUPPORTED_VERSION, "v", () -> codec.decodeDeadLetter(bytes(d)));
    }

    @Test
    void missingOrNonIntegerSchemaVersionIsRejected() {
        ObjectNode missing = request();
        missing.remove("v");
        InvalidMessageException e = rejected(ErrorCode.MALFORMED_MESSAGE, "v",
                () -> codec.decodeRequest(bytes(missing)));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
        ObjectNode text = request().put("v", "1");
        rejected(ErrorCode.MALFORMED_MESSAGE, "v", () -> codec.decodeRequest(bytes(text)));
        ObjectNode fraction = request().put("v", 1.5);
        rejected(ErrorCode.MALFORMED_MESSAGE, "v", () -> codec.decodeRequest(bytes(fraction)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jobId", "submittedAt", "content", "styles"})
    void requestMissingARequiredFieldNamesIt(String field) {
        ObjectNode r = request();
        r.remove(field);
        InvalidMessageException e = rejected(ErrorCode.MALFORMED_MESSAGE, field,
                () -> codec.decodeRequest(bytes(r)));
        assertTrue(e.getMessage().contains("is required"), e.getMessage());
        ObjectNode explicitNull = request().putNull(field);
        rejected(ErrorCode.MALFORMED_MESSAGE, field, () -> codec.decodeRequest(bytes(explicitNull)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jobId", "seq", "at", "workerId", "type"})
    void eventMissingARequiredFieldNamesIt(String field) {
        ObjectNode ev = event();
        ev.remove(field);
        rejected(ErrorCode.MALFORMED_MESSAGE, field, () -> codec.decodeEvent(bytes(ev)));
    }

    @Test
    void controlAndDeadLetterMissingFieldsAreNamed() {
        ObjectNode c = codec.mapper().valueToTree(Samples.cancel());
        c.remove("action");
        rejected(ErrorCode.MALFORMED_MESSAGE, "action", () -> codec.decodeControl(bytes(c)));
        ObjectNode d = codec.mapper().valueToTree(Samples.deadLetter());
        d.remove("payloadBase64");
        rejected(ErrorCode.MALFORMED_MESSAGE, "payloadBase64", () -> codec.decodeDeadLetter(bytes(d)));
    }

    @Test
    void unknownFieldsAreRejectedWithTheirPath() {
        ObjectNode top = request().put("urgency", 9);
        InvalidMessageException e = rejected(ErrorCode.MALFORMED_MESSAGE, "urgency",
                () -> codec.decodeRequest(bytes(top)));
        assertTrue(e.getMessage().contains("unknown field"), e.getMessage());

        ObjectNode nested = request();
        ((ObjectNode) nested.get("options")).put("sharpness", 3);
        rejected(ErrorCode.MALFORMED_MESSAGE, "options.sharpness", () -> codec.decodeRequest(bytes(nested)));

        ObjectNode inList = request();
        ((ObjectNode) inList.get("styles").get(1)).put("name", "monet.jpg");
        rejected(ErrorCode.MALFORMED_MESSAGE, "styles[1].name", () -> codec.decodeRequest(bytes(inList)));

        ObjectNode ev = event();
        ((ObjectNode) ev.get("progress")).put("eta", 5);
        rejected(ErrorCode.MALFORMED_MESSAGE, "progress.eta", () -> codec.decodeEvent(bytes(ev)));

        rejected(ErrorCode.MALFORMED_MESSAGE, "gamma",
                () -> codec.decodeOptions("{\"gamma\":1}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void wrongTypesAreRejectedWithTheFieldPath() {
        ObjectNode size = request();
        ((ObjectNode) size.get("options")).put("size", "big");
        InvalidMessageException e = rejected(ErrorCode.MALFORMED_MESSAGE, "options.size",
                () -> codec.decodeRequest(bytes(size)));
        assertTrue(e.getMessage().startsWith("options.size: wrong type: expected a whole number"), e.getMessage());

        ObjectNode when = request().put("submittedAt", "yesterday");
        InvalidMessageException time = rejected(ErrorCode.MALFORMED_MESSAGE, "submittedAt",
                () -> codec.decodeRequest(bytes(when)));
        assertTrue(time.getMessage().contains("ISO-8601 timestamp"), time.getMessage());

        ObjectNode styles = request().put("styles", "monet");
        rejected(ErrorCode.MALFORMED_MESSAGE, "styles", () -> codec.decodeRequest(bytes(styles)));

        ObjectNode weight = request();
        ((ObjectNode) weight.get("styles").get(0)).put("weight", "heavy");
        rejected(ErrorCode.MALFORMED_MESSAGE, "styles[0].weight", () -> codec.decodeRequest(bytes(weight)));

        ObjectNode options = request().put("options", "fast");
        rejected(ErrorCode.MALFORMED_MESSAGE, "options", () -> codec.decodeRequest(bytes(options)));

        ObjectNode seq = event().put("seq", "first");
        rejected(ErrorCode.MALFORMED_MESSAGE, "seq", () -> codec.decodeEvent(bytes(seq)));
    }

    @Test
    void numbersAreNotSilentlyCoerced() {
        // 1.5 iterations must not quietly become 1, nor a quoted number pass for a number
        ObjectNode fraction = request();
        ((ObjectNode) fraction.get("options")).put("iterations", 1.5);
        rejected(ErrorCode.MALFORMED_MESSAGE, "options.iterations", () -> codec.decodeRequest(bytes(fraction)));

        ObjectNode quoted = request();
        ((ObjectNode) quoted.get("options")).put("iterations", "500");
        rejected(ErrorCode.MALFORMED_MESSAGE, "options.iterations", () -> codec.decodeRequest(bytes(quoted)));

        ObjectNode flag = request();
        ((ObjectNode) flag.get("options")).put("preserveColors", 1);
        rejected(ErrorCode.MALFORMED_MESSAGE, "options.preserveColors", () -> codec.decodeRequest(bytes(flag)));
    }

    @Test
    void aMissingOrNullNumberIsReportedAsRequiredNotAsAWrongType() {
        ObjectNode missing = request();
        ((ObjectNode) missing.get("styles").get(0)).remove("weight");
        InvalidMessageException e = rejected(ErrorCode.MALFORMED_MESSAGE, "styles[0].weight",
                () -> codec.decodeRequest(bytes(missing)));
        assertEquals("styles[0].weight: is required (a number)", e.getMessage());

        ObjectNode nullSeq = event().putNull("seq");
        rejected(ErrorCode.MALFORMED_MESSAGE, "seq", () -> codec.decodeEvent(bytes(nullSeq)));
        ObjectNode nullLoss = event();
        ((ObjectNode) nullLoss.get("progress").get("losses")).putNull("style");
        InvalidMessageException loss = rejected(ErrorCode.MALFORMED_MESSAGE, "progress.losses.style",
                () -> codec.decodeEvent(bytes(nullLoss)));
        assertTrue(loss.getMessage().contains("is required"), loss.getMessage());
    }

    @Test
    void nullEntriesInListsDecodeSoTheValidatorCanNameThem() throws Exception {
        ObjectNode r = request();
        ((com.fasterxml.jackson.databind.node.ArrayNode) r.get("styles")).addNull();
        ((com.fasterxml.jackson.databind.node.ArrayNode) r.get("options").get("styleLayers")).addNull();
        var decoded = codec.decodeRequest(bytes(r));
        var errors = new dev.ist.common.job.JobValidator(dev.ist.common.job.JobLimits.defaults()).validate(decoded);
        assertEquals(List.of("styles[2]: is null", "options.styleLayers: unknown layer null"
                + " (use VGG19 names such as conv4_2, relu1_1 … relu5_4)"),
                errors.stream().map(Object::toString).toList());
    }

    @Test
    void noJavaClassNamesLeakIntoMessages() {
        List<Executable> decodes = new ArrayList<>();
        ObjectNode a = request();
        ((ObjectNode) a.get("options")).put("pooling", "median");
        decodes.add(() -> codec.decodeRequest(bytes(a)));
        ObjectNode b = event();
        b.putObject("timingsMs").putNull("total");
        decodes.add(() -> codec.decodeEvent(bytes(b)));
        ObjectNode c = request();
        c.putArray("content");
        decodes.add(() -> codec.decodeRequest(bytes(c)));
        ObjectNode d = request();
        ((ObjectNode) d.get("options")).putObject("seed");
        decodes.add(() -> codec.decodeRequest(bytes(d)));
        ObjectNode e = event();
        ((ObjectNode) e.get("progress")).put("losses", "low");
        decodes.add(() -> codec.decodeEvent(bytes(e)));
        InvalidMessageException timing = assertThrows(InvalidMessageException.class, decodes.get(1));
        assertTrue(timing.getMessage().contains("timingsMs.total"), timing.getMessage());
        for (Executable decode : decodes) {
            InvalidMessageException thrown = assertThrows(InvalidMessageException.class, decode);
            assertFalse(thrown.getMessage().matches("(?s).*(dev\\.ist|java\\.|com\\.fasterxml|Exception).*"),
                    thrown.getMessage());
        }
    }

    @Test
    void wholeNumbersAreAcceptedForDecimalFields() throws Exception {
        ObjectNode r = request();
        ((ObjectNode) r.get("options")).put("styleWeight", 10000).put("learningRate", 1);
        ((ObjectNode) r.get("styles").get(0)).put("weight", 3);
        var decoded = codec.decodeRequest(bytes(r));
        assertEquals(10000.0, decoded.options().styleWeight());
        assertEquals(Double.valueOf(1.0), decoded.options().learningRate());
        assertEquals(3.0, decoded.styles().get(0).weight());
    }

    @Test
    void integersOutsideTheirRangeNameTheField() {
        ObjectNode huge = request();
        ((ObjectNode) huge.get("options")).put("size", 99_999_999_999L);
        InvalidMessageException e = rejected(ErrorCode.MALFORMED_MESSAGE, "options.size",
                () -> codec.decodeRequest(bytes(huge)));
        assertTrue(e.getMessage().contains("out of range"), e.getMessage());
    }

    @Test
    void unknownEnumValuesAreRejectedListingTheAllowedOnes() {
        ObjectNode r = request();
        ((ObjectNode) r.get("options")).put("optimizer", "SGD");
        InvalidMessageException e = rejected(ErrorCode.MALFORMED_MESSAGE, "options.optimizer",
                () -> codec.decodeRequest(bytes(r)));
        assertEquals("options.optimizer: invalid value \"SGD\": must be one of [LBFGS, ADAM]", e.getMessage());

        ObjectNode ev = event().put("type", "PAUSED");
        rejected(ErrorCode.MALFORMED_MESSAGE, "type", () -> codec.decodeEvent(bytes(ev)));

        ObjectNode ordinal = event().put("type", 2);
        rejected(ErrorCode.MALFORMED_MESSAGE, "type", () -> codec.decodeEvent(bytes(ordinal)));
    }

    @Test
    void enumValuesAreAcceptedInAnyCase() throws Exception {
        ObjectNode r = request();
        ((ObjectNode) r.get("options")).put("optimizer", "lbfgs").put("outputFormat", "png");
        var options = codec.decodeRequest(bytes(r)).options();
        assertEquals(dev.ist.common.job.Optimizer.LBFGS, options.optimizer());
        assertEquals(dev.ist.common.job.OutputFormat.PNG, options.outputFormat());
    }

    @Test
    void aRequestIsNotAcceptedAsAnEventNorAnEventAsARequest() {
        byte[] request = codec.encode(Samples.fullRequest());
        assertThrows(InvalidMessageException.class, () -> codec.decodeEvent(request));
        byte[] event = codec.encode(Samples.eventsOfEveryType().get(0));
        assertThrows(InvalidMessageException.class, () -> codec.decodeRequest(event));
    }
}
