package dev.ist.common.codec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ist.common.capacity.WorkerCapacity;
import dev.ist.common.event.ControlMessage;
import dev.ist.common.event.DeadLetter;
import dev.ist.common.event.ErrorCode;
import dev.ist.common.event.JobEvent;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.JobRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * JSON encoding of every message IST puts on Kafka or in storage. Decoding never lets a Jackson exception escape:
 * malformed JSON, unknown fields, wrong types, missing required fields and unknown schema versions all become an
 * {@link InvalidMessageException} naming the field. Options omitted by the sender take {@link JobOptions#defaults()}.
 */
public final class JsonCodec {

    private static final JsonCodec INSTANCE = new JsonCodec();

    private final ObjectMapper mapper;

    public JsonCodec() {
        this.mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // no silent coercions: 1.5 iterations is not 1, "500" is not a number, 1 is not true
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .build();
    }

    public static JsonCodec shared() {
        return INSTANCE;
    }

    /** The configured mapper, for callers that encode their own records (manifests, API bodies). */
    public ObjectMapper mapper() {
        return mapper;
    }

    public byte[] encode(Object message) {
        try {
            return mapper.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            // our own records always serialise; failing here is a programming error
            throw new UncheckedIOException(e);
        }
    }

    public String encodeToString(Object message) {
        try {
            return mapper.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JobRequest decodeRequest(byte[] json) throws InvalidMessageException {
        ObjectNode root = readObject(json);
        checkVersion(root, JobRequest.SCHEMA_VERSION);
        requireFields(root, "jobId", "submittedAt", "content", "styles");
        JsonNode options = root.get("options");
        if (options != null && !options.isNull() && !options.isObject()) {
            throw new InvalidMessageException(ErrorCode.MALFORMED_MESSAGE, "options", "must be an object");
        }
        root.set("options", withDefaults(options));
        return convert(root, JobRequest.class);
    }

    /** Options alone (as sent by API clients); omitted fields take the defaults. */
    public JobOptions decodeOptions(byte[] json) throws InvalidMessageException {
        ObjectNode root = readObject(json);
        return convert(withDefaults(root), JobOptions.class);
    }

    /**
     * Any record of an API schema, with the same strictness and the same field-naming errors as the messages
     * (unknown fields, wrong types, numbers out of range): the documented record is the schema.
     */
    public <T> T decode(byte[] json, Class<T> type) throws InvalidMessageException {
        return convert(readObject(json), type);
    }

    public JobEvent decodeEvent(byte[] json) throws InvalidMessageException {
        ObjectNode root = readObject(json);
        checkVersion(root, JobEvent.SCHEMA_VERSION);
        requireFields(root, "jobId", "seq", "at", "workerId", "type");
        return convert(root, JobEvent.class);
    }

    public ControlMessage decodeControl(byte[] json) throws InvalidMessageException {
        ObjectNode root = readObject(json);
        checkVersion(root, ControlMessage.SCHEMA_VERSION);
        requireFields(root, "jobId", "action", "at");
        return convert(root, ControlMessage.class);
    }

    public DeadLetter decodeDeadLetter(byte[] json) throws InvalidMessageException {
        ObjectNode root = readObject(json);
        checkVersion(root, DeadLetter.SCHEMA_VERSION);
        requireFields(root, "sourceTopic", "code", "reason", "payloadBase64");
        return convert(root, DeadLetter.class);
    }

    public WorkerCapacity decodeCapacity(byte[] json) throws InvalidMessageException {
        ObjectNode root = readObject(json);
        checkVersion(root, WorkerCapacity.SCHEMA_VERSION);
        requireFields(root, "workerId", "device", "memoryBudgetBytes", "pixelsPerSecond", "at");
        return convert(root, WorkerCapacity.class);
    }

    private ObjectNode withDefaults(JsonNode given) {
        ObjectNode merged = mapper.valueToTree(JobOptions.defaults());
        if (given != null && given.isObject()) {
            given.fields().forEachRemaining(e -> {
                // an explicit null means "default", not "no value"
                if (!e.getValue().isNull()) {
                    merged.set(e.getKey(), e.getValue());
                }
            });
        }
        return merged;
    }

    private ObjectNode readObject(byte[] json) throws InvalidMessageException {
        if (json == null || json.length == 0) {
            throw new InvalidMessageException(ErrorCode.MALFORMED_MESSAGE, "$", "empty payload");
        }
        JsonNode node;
        try {
            node = mapper.readTree(json);
        } catch (JacksonException e) {
            throw new InvalidMessageException(ErrorCode.MALFORMED_MESSAGE, "$",
                    "not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new InvalidMessageException(ErrorCode.MALFORMED_MESSAGE, "$", "unreadable payload: " + e);
        }
        if (node == null || !node.isObject()) {
            throw new InvalidMessageException(ErrorCode.MALFORMED_MESSAGE, "$", "must be a JSON object");
        }
        return (ObjectNode) node;
    }

    private static void checkVersion(ObjectNode root, int supported) throws InvalidMessageException {
        JsonNode v = root.get("v");
        if (v == null || v.isNull()) {
            throw new InvalidMessageException(ErrorCode.MALFORMED_MESSAGE, "v", "schema version is missing");
        }
        if (!v.isIntegralNumber()) {
            throw new InvalidMessageException(ErrorCode.MALFORMED_MESSAGE, "v", "schema version must be an integer");
        }
        if (v.asInt() != supported) {
            throw new InvalidMessageException(ErrorCode.UNSUPPORTED_VERSION, "v",
                    "unsupported schema version " + v.asText() + " (this build speaks " + supported + ")");
        }
    }

    private static void requireFields(ObjectNode root, String... fields) throws InvalidMessageException {
        for (String f : fields) {
            JsonNode n = root.get(f);
            if (n == null || n.isNull()) {
                throw new InvalidMessageException(ErrorCode.MALFORMED_MESSAGE, f, "is required");
            }
        }
    }

    private <T> T convert(JsonNode node, Class<T> type) throws InvalidMessageException {
        try {
            return mapper.treeToValue(node, type);
        } catch (JsonMappingException e) {
            if (e instanceof MismatchedInputException mie && mie.getTargetType() != null
                    && isAbsent(node, e.getPath())) {
                // a missing or null primitive: say so rather than "wrong type"
                throw new InvalidMessageException(ErrorCode.MALFORMED_MESSAGE, path(e.getPath()),
                        "is required (" + expectedShape(mie.getTargetType()) + ")");
            }
            throw new InvalidMessageException(ErrorCode.MALFORMED_MESSAGE, path(e.getPath()), describe(e));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new InvalidMessageException(ErrorCode.MALFORMED_MESSAGE, "$", e.getMessage());
        }
    }

    private static String describe(JsonMappingException e) {
        if (e instanceof UnrecognizedPropertyException) {
            return "unknown field";
        }
        if (e.getCause() instanceof InputCoercionException) {
            return "number out of range";
        }
        if (e instanceof InvalidFormatException ife && ife.getTargetType() != null && ife.getTargetType().isEnum()) {
            return "invalid value " + quote(ife.getValue()) + ": must be one of "
                    + Arrays.toString(ife.getTargetType().getEnumConstants());
        }
        if (e instanceof MismatchedInputException mie && mie.getTargetType() != null) {
            String expected = expectedShape(mie.getTargetType());
            if (mie instanceof InvalidFormatException ife) {
                return "wrong type: expected " + expected + ", got " + quote(ife.getValue());
            }
            return "wrong type: expected " + expected;
        }
        if (e instanceof ValueInstantiationException && e.getCause() != null) {
            // a record constructor refused the values; its message (not its class) is what the sender needs
            String why = e.getCause().getMessage();
            return why == null ? "invalid value" : "invalid value: " + why;
        }
        String msg = e.getOriginalMessage();
        return msg == null ? "invalid value" : msg.replaceAll("\\s+", " ");
    }

    /** Whether the JSON at {@code refs} is missing or an explicit null. */
    private static boolean isAbsent(JsonNode root, List<JsonMappingException.Reference> refs) {
        JsonNode n = root;
        for (JsonMappingException.Reference ref : refs) {
            if (n == null) {
                return true;
            }
            n = ref.getFieldName() != null ? n.get(ref.getFieldName()) : n.get(ref.getIndex());
        }
        return n == null || n.isNull() || n.isMissingNode();
    }

    /** What a JSON sender must put there, in words rather than Java types. */
    private static String expectedShape(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "a whole number";
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == java.time.Instant.class) {
            return "an ISO-8601 timestamp such as 2026-01-31T12:00:00Z";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.toString(type.getEnumConstants());
        }
        if (type.isArray() || java.util.Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "an object";
    }

    private static String quote(Object value) {
        if (value == null) {
            return "null";
        }
        String s = value.toString();
        return value instanceof String ? "\"" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "\"" : s;
    }

    private static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : refs) {
            if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? "$" : sb.toString();
    }
}
