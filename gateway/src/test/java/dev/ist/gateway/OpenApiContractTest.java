package dev.ist.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ist.common.ObjectKeys;
import dev.ist.common.storage.ImageStore;
import dev.ist.gateway.api.ProblemTypes;
import dev.ist.gateway.support.IstTestResource;
import dev.ist.gateway.support.Jobs;
import dev.ist.gateway.support.OpenApiDocument;
import dev.ist.gateway.support.TestEnv;
import dev.ist.testkit.TestImages;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static dev.ist.gateway.support.Jobs.as;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /q/openapi} is the contract: real answers of the API (accepted, read, listed, cancelled, refused in each way
 * a client meets) are checked against it by a JSON Schema validator. An undocumented status, media type or problem
 * type, or a body that does not match its schema, fails the test.
 */
@QuarkusTest
@WithTestResource(IstTestResource.class)
class OpenApiContractTest {

    private static final String QUICK = "{\"size\":64,\"iterations\":10}";

    @Test
    void realAnswersOfEveryEndpointMatchTheDocumentedStatusesAndSchemas() throws Exception {
        OpenApiDocument api = OpenApiDocument.fetch();
        String alice = TestEnv.ALICE_KEY;

        // uploads and submissions
        byte[] content = TestImages.noisePng(40, 30, 11);
        String contentId = api(api, "POST", "/v1/images",
                as(alice).contentType("image/png").body(content).post("/v1/images"), 201).path("id");
        String styleId = api(api, "POST", "/v1/images", as(alice)
                .multiPart("image", "s.png", Jobs.STYLE, "image/png").post("/v1/images"), 201).path("id");
        String formJob = api(api, "POST", "/v1/jobs", Jobs.submit(alice, QUICK), 202).path("id");
        String json = "{\"content\":{\"sha256\":\"" + contentId + "\"},\"styles\":[{\"image\":{\"sha256\":\""
                + styleId + "\"},\"weight\":2}],\"options\":" + QUICK + "}";
        api(api, "POST", "/v1/jobs", as(alice).contentType("application/json").body(json).post("/v1/jobs"), 202);

        // reading: queued or running, then finished with progress, timings and the network
        api(api, "GET", "/v1/jobs/{id}", as(alice).get("/v1/jobs/" + formJob), 200);
        Jobs.awaitStatus(alice, formJob, "SUCCEEDED", Duration.ofSeconds(60));
        Response done = api(api, "GET", "/v1/jobs/{id}", as(alice).get("/v1/jobs/" + formJob), 200);
        assertEquals(Boolean.TRUE, done.<Boolean>path("network.random"), "the finished job reports its network");
        api(api, "GET", "/v1/jobs", as(alice).get("/v1/jobs?size=5"), 200);
        api(api, "GET", "/v1/jobs/{id}/result", as(alice).redirects().follow(false).get("/v1/jobs/" + formJob
                + "/result"), 303);
        api(api, "GET", "/v1/jobs/{id}/result", as(alice).queryParam("download", "stream")
                .get("/v1/jobs/" + formJob + "/result"), 200);
        api(api, "GET", "/v1/jobs/{id}/preview", as(alice).queryParam("download", "stream")
                .get("/v1/jobs/" + formJob + "/preview"), 200);
        api(api, "DELETE", "/v1/jobs/{id}", as(alice).delete("/v1/jobs/" + formJob), 200);
        api(api, "GET", "/v1/jobs/{id}/webhooks", as(alice).get("/v1/jobs/" + formJob + "/webhooks"), 200);
        api(api, "POST", "/v1/jobs/{id}/webhooks/redeliver",
                as(alice).post("/v1/jobs/" + formJob + "/webhooks/redeliver"), 409);
        api(api, "GET", "/v1/models", as(alice).get("/v1/models"), 200);
        api(api, "GET", "/v1/options", as(alice).get("/v1/options"), 200);

        // a job that stays queued: its queue position, no result yet, no preview, cancel accepted
        String queued = api(api, "POST", "/v1/jobs", Jobs.submit(TestEnv.QUEUED_KEY, QUICK), 202).path("id");
        Response queuedView = api(api, "GET", "/v1/jobs/{id}", as(TestEnv.QUEUED_KEY).get("/v1/jobs/" + queued), 200);
        assertTrue(queuedView.<Integer>path("queue.position") >= 1, queuedView.asString());
        api(api, "GET", "/v1/jobs/{id}/result", as(TestEnv.QUEUED_KEY).get("/v1/jobs/" + queued + "/result"), 409);
        api(api, "GET", "/v1/jobs/{id}/preview", as(TestEnv.QUEUED_KEY).get("/v1/jobs/" + queued + "/preview"),
                404);
        api(api, "DELETE", "/v1/jobs/{id}", as(TestEnv.QUEUED_KEY).delete("/v1/jobs/" + queued), 202);

        // refusals, each a problem document of a documented type
        api(api, "GET", "/v1/jobs/{id}", as(alice).get("/v1/jobs/" + UUID.randomUUID()), 404);
        api(api, "GET", "/v1/models/{name}", as(alice).get("/v1/models/no-such-model"), 404);
        api(api, "GET", "/v1/jobs", given().get("/v1/jobs"), 401);
        api(api, "GET", "/v1/jobs", as(alice).get("/v1/jobs?size=0"), 400);
        api(api, "POST", "/v1/jobs", Jobs.submit(alice, "{\"iterations\":-1,\"size\":3}"), 422);
        api(api, "POST", "/v1/jobs", as(alice).multiPart("content", "c.txt", "text".getBytes(StandardCharsets.UTF_8),
                "image/png").multiPart("style", "s.png", Jobs.STYLE, "image/png").post("/v1/jobs"), 415);
        api(api, "POST", "/v1/jobs", as(alice)
                .multiPart("content", "big.png", TestImages.noisePng(400, 400, 3), "image/png")
                .multiPart("style", "s.png", Jobs.STYLE, "image/png").post("/v1/jobs"), 413);
        api(api, "POST", "/v1/jobs", as(alice).contentType("application/json")
                .body("{\"x\":\"" + "a".repeat(1_100_000) + "\"}").post("/v1/jobs"), 413);
        api(api, "POST", "/v1/jobs", as(alice).contentType("application/json").body("{not json").post("/v1/jobs"),
                400);
        api(api, "POST", "/v1/jobs", as(alice).contentType("application/json")
                .body(json.replace(contentId, "0".repeat(64))).post("/v1/jobs"), 404);
        api(api, "POST", "/v1/jobs", as(alice)
                .multiPart("content", "c.png", Jobs.CONTENT, "image/png")
                .multiPart("style", "s.png", Jobs.STYLE, "image/png")
                .multiPart("mask0", "square.png", TestImages.gradientPng(30, 30), "image/png").post("/v1/jobs"), 422);
        api(api, "POST", "/v1/jobs", as(alice)
                .multiPart("content", "c.png", Jobs.CONTENT, "image/png")
                .multiPart("style", "s.png", Jobs.STYLE, "image/png")
                .multiPart("mask4", "left.png", Jobs.CONTENT, "image/png").post("/v1/jobs"), 422);
        api(api, "POST", "/v1/images", as(alice).contentType("image/png").body("no".getBytes()).post("/v1/images"),
                415);

        // a result the storage janitor removed
        try (ImageStore store = TestEnv.newStore()) {
            store.put(ObjectKeys.expired(formJob), "{}".getBytes(StandardCharsets.UTF_8), "application/json");
        }
        api(api, "GET", "/v1/jobs/{id}/result", as(alice).queryParam("download", "stream")
                .get("/v1/jobs/" + formJob + "/result"), 410);

        System.out.println("OPENAPI_CHECKED " + api.checked().size() + " answers:\n  "
                + String.join("\n  ", api.checked()));
    }

    @Test
    void everyRefusalIsDocumentedAsAProblemWithTheClosedListOfTypes() throws Exception {
        JsonNode doc = OpenApiDocument.fetch().root();
        JsonNode problem = doc.path("components").path("schemas").path("Problem");
        Set<String> types = new HashSet<>();
        problem.path("properties").path("type").path("enum").forEach(t -> types.add(t.asText()));
        for (String slug : ProblemTypes.ALL.keySet()) {
            assertTrue(types.contains(ProblemTypes.PREFIX + slug), "type " + slug + " is documented");
        }
        List<String> missing = new ArrayList<>();
        int errors = 0;
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                for (Iterator<Map.Entry<String, JsonNode>> rs = op.getValue().path("responses").fields();
                     rs.hasNext(); ) {
                    Map.Entry<String, JsonNode> r = rs.next();
                    if (r.getKey().startsWith("4") || r.getKey().startsWith("5")) {
                        errors++;
                        String ref = r.getValue().path("content").path("application/problem+json").path("schema")
                                .path("$ref").asText();
                        if (!ref.endsWith("/Problem")) {
                            missing.add(op.getKey() + " " + path.getKey() + " " + r.getKey());
                        }
                    }
                }
            }
        }
        assertTrue(errors > 40, "refusals are documented across the API (" + errors + ")");
        assertEquals(List.of(), missing, "every 4xx/5xx is a problem+json Problem");
        JsonNode form = doc.path("paths").path("/v1/jobs").path("post").path("requestBody").path("content")
                .path("multipart/form-data").path("schema");
        assertTrue(form.path("patternProperties").has("^mask[0-9]{1,3}$"), form.toString());
        assertTrue(form.path("properties").has("contentMask"), form.toString());
        JsonNode style = doc.path("components").path("schemas").path("Style").path("properties");
        assertTrue(style.has("mask") && style.has("styleMask"), "JSON styles take mask references: " + style);
        assertTrue(doc.path("components").path("schemas").path("JobResponse").path("properties").has("network"));
        // the judge itself: a body that breaks the schema is caught
        OpenApiDocument api = OpenApiDocument.fetch();
        JsonNode jobResponse = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree("{\"$ref\":\"#/components/schemas/JobResponse\"}");
        assertTrue(!api.validate(jobResponse, new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree("{\"id\":5,\"status\":\"DONE\"}")).isEmpty(), "a wrong body is refused");
        JsonNode problemRef = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree("{\"$ref\":\"#/components/schemas/Problem\"}");
        assertTrue(!api.validate(problemRef, new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                "{\"type\":\"urn:ist:problem:made-up\",\"title\":\"x\",\"status\":422}")).isEmpty(),
                "an undocumented problem type is refused");
    }

    private static Response api(OpenApiDocument api, String method, String template, Response answer,
                                int expected) throws Exception {
        assertEquals(expected, answer.statusCode(), method + " " + template + ": " + answer.asString());
        api.check(method, template, answer);
        return answer;
    }
}
