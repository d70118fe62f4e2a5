package dev.ist.gateway.api;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import java.util.List;
import java.util.Map;

/**
 * Completes {@code /q/openapi} with what annotations would repeat on every operation: the {@code Problem} schema
 * (RFC 9457, with every {@code type} of {@link ProblemTypes}), that schema as the {@code application/problem+json}
 * body of every 4xx/5xx answer, and the refusals any {@code /v1} call can meet (401 without a key, 503 while the
 * gateway starts or a dependency is down, 500 with an error id, 404 for an unknown id, 400 for an unreadable body).
 * Registered through {@code mp.openapi.filter}.
 */
public class OpenApiContract implements OASFilter {

    static final String PROBLEM = "Problem";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Components components = openAPI.getComponents();
        if (components == null) {
            components = OASFactory.createComponents();
            openAPI.setComponents(components);
        }
        components.addSchema(PROBLEM, problemSchema());
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        describeMaskParts(openAPI.getPaths().getPathItem("/v1/jobs"));
        for (Map.Entry<String, PathItem> path : openAPI.getPaths().getPathItems().entrySet()) {
            Map<PathItem.HttpMethod, Operation> operations = path.getValue().getOperations();
            if (operations == null) {
                continue;
            }
            for (Map.Entry<PathItem.HttpMethod, Operation> op : operations.entrySet()) {
                complete(path.getKey(), op.getKey(), op.getValue());
            }
        }
    }

    private static void complete(String path, PathItem.HttpMethod method, Operation op) {
        APIResponses responses = op.getResponses();
        if (responses == null) {
            responses = OASFactory.createAPIResponses();
            op.setResponses(responses);
        }
        if (path.startsWith("/v1/")) {
            addIfMissing(responses, "401", "No API key, or an unknown one (X-Api-Key)");
            addIfMissing(responses, "500", "Unexpected error; the body's errorId is in the gateway's log");
            addIfMissing(responses, "503", "The gateway is starting, or Kafka or storage is unreachable; "
                    + "see Retry-After");
            if (path.contains("{")) {
                addIfMissing(responses, "404", "No such job, image or model for this caller");
            }
            if (method == PathItem.HttpMethod.POST) {
                addIfMissing(responses, "400", "The body or a header cannot be read");
            }
            if (method == PathItem.HttpMethod.GET && !path.contains("{")) {
                addIfMissing(responses, "400", "A query parameter is invalid");
            }
        }
        if (responses.getAPIResponses() == null) {
            return;
        }
        for (Map.Entry<String, APIResponse> r : responses.getAPIResponses().entrySet()) {
            String code = r.getKey();
            APIResponse response = r.getValue();
            boolean error = code.startsWith("4") || code.startsWith("5");
            if (error && (response.getContent() == null || response.getContent().getMediaTypes() == null
                    || response.getContent().getMediaTypes().isEmpty())) {
                response.setContent(problemContent());
            }
        }
    }

    /** The mask parts of a multipart submission have names by style index: documented as pattern properties. */
    private static void describeMaskParts(PathItem jobs) {
        if (jobs == null || jobs.getPOST() == null || jobs.getPOST().getRequestBody() == null
                || jobs.getPOST().getRequestBody().getContent() == null) {
            return;
        }
        var form = jobs.getPOST().getRequestBody().getContent().getMediaType("multipart/form-data");
        if (form == null || form.getSchema() == null) {
            return;
        }
        Schema schema = form.getSchema();
        if (schema.getProperties() != null && schema.getProperties().containsKey("*")) {
            schema.removeProperty("*"); // the catch-all parameter that reads the mask parts
        }
        schema.addPatternProperty("^mask[0-9]{1,3}$", binary("mask<i>: grey PNG/JPEG over the output; white = "
                + "style i applies, black = it does not; aspect ratio within 10 % of the content's"));
        schema.addPatternProperty("^styleMask[0-9]{1,3}$", binary("styleMask<i>: grey PNG/JPEG over style image i "
                + "(which part of it to sample); aspect ratio within 10 % of that style image's"));
        schema.addProperty("contentMask", binary("grey PNG/JPEG over the output where the content weight is raised "
                + "(options.contentMaskWeight); aspect ratio within 10 % of the content's"));
    }

    private static Schema binary(String description) {
        return OASFactory.createSchema().addType(SchemaType.STRING).format("binary").description(description);
    }

    private static void addIfMissing(APIResponses responses, String code, String description) {
        if (responses.getAPIResponse(code) == null) {
            responses.addAPIResponse(code, OASFactory.createAPIResponse().description(description)
                    .content(problemContent()));
        }
    }

    private static Content problemContent() {
        return OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE, OASFactory.createMediaType()
                .schema(OASFactory.createSchema().ref("#/components/schemas/" + PROBLEM)));
    }

    /** RFC 9457 members, the extension members IST uses, and the closed list of problem types. */
    static Schema problemSchema() {
        StringBuilder types = new StringBuilder("The problem type; one of:");
        Schema type = OASFactory.createSchema().addType(SchemaType.STRING);
        ProblemTypes.ALL.forEach((slug, meaning) -> {
            type.addEnumeration(ProblemTypes.PREFIX + slug);
            types.append("\n- `").append(ProblemTypes.PREFIX).append(slug).append("` — ").append(meaning);
        });
        type.description(types.toString());
        Schema fieldError = OASFactory.createSchema().addType(SchemaType.OBJECT)
                .addProperty("field", string("the refused field, as the request names it (styles[1].mask)"))
                .addProperty("message", string("what is wrong and what is allowed"))
                .required(List.of("field", "message"));
        return OASFactory.createSchema().addType(SchemaType.OBJECT)
                .description("An RFC 9457 problem document (application/problem+json). Extension members appear "
                        + "where they apply: field, limit, actual, accepted, errorId, status of a job, …")
                .addProperty("type", type)
                .addProperty("title", string("short, human-readable summary of the problem type"))
                .addProperty("status", OASFactory.createSchema().addType(SchemaType.INTEGER)
                        .minimum(java.math.BigDecimal.valueOf(400)).maximum(java.math.BigDecimal.valueOf(599)))
                .addProperty("detail", string("what happened in this occurrence"))
                .addProperty("instance", string("the request path"))
                .addProperty("field", string("the field the refusal is about"))
                .addProperty("limit", OASFactory.createSchema().addType(SchemaType.NUMBER)
                        .description("the limit that was exceeded"))
                .addProperty("actual", OASFactory.createSchema().addType(SchemaType.NUMBER)
                        .description("the value that exceeded it"))
                .addProperty("errorId", string("500: quote it when reporting the error"))
                .addProperty("errors", OASFactory.createSchema().addType(SchemaType.ARRAY).items(fieldError)
                        .description("every refused field at once"))
                .required(List.of("type", "title", "status"))
                .additionalPropertiesBoolean(Boolean.TRUE);
    }

    private static Schema string(String description) {
        return OASFactory.createSchema().addType(SchemaType.STRING).description(description);
    }
}
