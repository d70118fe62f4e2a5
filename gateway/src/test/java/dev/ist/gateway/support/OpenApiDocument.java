package dev.ist.gateway.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.restassured.response.Response;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;

/**
 * The gateway's own {@code /q/openapi} (OpenAPI 3.1, whose schemas are JSON Schema 2020-12), used as the judge of
 * real answers: an answer's status must be documented for its operation, its media type listed for that status, and
 * its JSON body must validate against the documented schema ({@code $ref}s resolve inside the document).
 */
public final class OpenApiDocument {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    private final JsonNode doc;
    private final List<String> checked = new ArrayList<>();

    private OpenApiDocument(JsonNode doc) {
        this.doc = doc;
    }

    public static OpenApiDocument fetch() throws Exception {
        String body = given().accept("application/json").queryParam("format", "json").get("/q/openapi")
                .then().statusCode(200).extract().asString();
        return new OpenApiDocument(JSON.readTree(body));
    }

    public JsonNode root() {
        return doc;
    }

    /** What was checked so far: "METHOD template status media-type". */
    public List<String> checked() {
        return checked;
    }

    /**
     * Fails unless {@code answer} is what the document promises for {@code method template}.
     *
     * @param template the documented path ({@code /v1/jobs/{id}})
     */
    public void check(String method, String template, Response answer) throws Exception {
        JsonNode operation = doc.path("paths").path(template).path(method.toLowerCase(Locale.ROOT));
        if (operation.isMissingNode()) {
            throw new AssertionError(method + " " + template + " is not in /q/openapi");
        }
        String status = Integer.toString(answer.statusCode());
        JsonNode response = operation.path("responses").path(status);
        if (response.isMissingNode()) {
            throw new AssertionError(method + " " + template + " answered " + status + ", which /q/openapi does not "
                    + "document (documented: " + names(operation.path("responses")) + "); body: "
                    + answer.asString());
        }
        String body = answer.asString();
        String type = answer.getContentType() == null ? "" : answer.getContentType().split(";")[0].trim();
        if (body == null || body.isEmpty()) {
            checked.add(method + " " + template + " " + status + " (no body)");
            return;
        }
        JsonNode media = response.path("content").path(type);
        if (media.isMissingNode()) {
            throw new AssertionError(method + " " + template + " " + status + " answered " + type
                    + ", but /q/openapi lists " + names(response.path("content")) + " for it");
        }
        if (type.endsWith("json")) {
            Set<ValidationMessage> errors = validate(media.path("schema"), JSON.readTree(body));
            if (!errors.isEmpty()) {
                throw new AssertionError(method + " " + template + " " + status + ": the body does not match the "
                        + "documented schema: " + errors + "\nbody: " + body);
            }
        }
        checked.add(method + " " + template + " " + status + " " + type);
    }

    /** Validates {@code value} against a schema of the document (with the document's components in scope). */
    public Set<ValidationMessage> validate(JsonNode schema, JsonNode value) {
        ObjectNode root = schema.deepCopy();
        root.set("components", doc.path("components"));
        JsonSchema compiled = SCHEMAS.getSchema(root);
        return compiled.validate(value);
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            names.add(it.next().getKey());
        }
        return names;
    }
}
