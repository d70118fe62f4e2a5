package dev.ist.gateway.models;

import dev.ist.gateway.support.IstTestResource;
import dev.ist.gateway.support.Jobs;
import dev.ist.gateway.support.TestEnv;
import dev.ist.testkit.TestImages;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static dev.ist.gateway.support.Jobs.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;

/** The model registry API: uploads checked by loading and running the network, listing, and FAST job refusals. */
@QuarkusTest
@WithTestResource(IstTestResource.class)
class ModelsApiTest {

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ModelsApiTest.class.getResourceAsStream("/fastmodel/" + name)) {
            return in.readAllBytes();
        }
    }

    private static Response upload(String key, byte[] onnx, String metadata) {
        return as(key)
                .multiPart("model", "model.onnx", onnx, "application/octet-stream")
                .multiPart("metadata", metadata)
                .when().post("/v1/models");
    }

    @Test
    void anAdminUploadsAWorkingModelAndEveryoneSeesItListed() throws Exception {
        as(TestEnv.ALICE_KEY)
                .multiPart("model", "model.onnx", resource("tiny-style.onnx"), "application/octet-stream")
                .multiPart("metadata", "{\"name\":\"tiny-listed\",\"description\":\"tiny\",\"maxSide\":64}")
                .multiPart("preview", "preview.png", TestImages.gradientPng(32, 32), "image/png")
                .when().post("/v1/models")
                .then().statusCode(201)
                .header("Location", containsString("/v1/models/tiny-listed"))
                .body("name", equalTo("tiny-listed"))
                .body("maxSide", equalTo(64))
                .body("sha256", matchesPattern("[0-9a-f]{64}"))
                .body("previewUrl", notNullValue());
        as(TestEnv.BOB_KEY).get("/v1/models").then().statusCode(200)
                .body("models.name", hasItem("tiny-listed"));
        as(TestEnv.BOB_KEY).get("/v1/models/tiny-listed").then().statusCode(200)
                .body("description", equalTo("tiny"));
        as(TestEnv.BOB_KEY).get("/v1/models/nope").then().statusCode(404)
                .body("type", equalTo("urn:ist:problem:model-not-found"));
    }

    @Test
    void bytesThatAreNotOnnxAreRefusedAtUpload() {
        upload(TestEnv.ALICE_KEY, "definitely not a protobuf".getBytes(StandardCharsets.UTF_8), "{\"name\":\"junk\"}")
                .then().statusCode(422).contentType("application/problem+json")
                .body("type", equalTo("urn:ist:problem:invalid-model"))
                .body("field", equalTo("model"))
                .body("detail", containsString("not a loadable ONNX model"));
        as(TestEnv.BOB_KEY).get("/v1/models/junk").then().statusCode(404);
    }

    @Test
    void aNetworkWithTheWrongOutputShapeIsRefusedAtUpload() throws Exception {
        upload(TestEnv.ALICE_KEY, resource("wrong-shape.onnx"), "{\"name\":\"grey\"}")
                .then().statusCode(422)
                .body("type", equalTo("urn:ist:problem:invalid-model"))
                .body("detail", containsString("1×3×H×W"));
    }

    @Test
    void badMetadataIsRefusedWithTheField() throws Exception {
        upload(TestEnv.ALICE_KEY, resource("tiny-style.onnx"), "{\"name\":\"../etc\"}")
                .then().statusCode(422).body("errors[0].field", equalTo("name"));
        upload(TestEnv.ALICE_KEY, resource("tiny-style.onnx"), "{\"name\":\"ok\",\"colour\":1}")
                .then().statusCode(400).body("field", equalTo("metadata.colour"));
    }

    @Test
    void onlyModelAdminsMayUpload() throws Exception {
        upload(TestEnv.BOB_KEY, resource("tiny-style.onnx"), "{\"name\":\"bobs\"}")
                .then().statusCode(403).body("detail", containsString("ist.gateway.model-admins"));
    }

    @Test
    void aFastJobForAnUnknownModelIsRefusedWith422() {
        as(TestEnv.ALICE_KEY)
                .multiPart("content", "content.png", Jobs.CONTENT, "image/png")
                .multiPart("options", "{\"mode\":\"FAST\",\"model\":\"no-such-model\"}")
                .when().post("/v1/jobs")
                .then().statusCode(422)
                .body("field", equalTo("options.model"))
                .body("detail", containsString("no model named no-such-model is registered"));
    }

    @Test
    void aFastJobForARegisteredModelIsAcceptedWithoutAStyleImage() throws Exception {
        upload(TestEnv.ALICE_KEY, resource("tiny-style.onnx"), "{\"name\":\"tiny-jobs\"}").then().statusCode(201);
        as(TestEnv.ALICE_KEY)
                .multiPart("content", "content.png", Jobs.CONTENT, "image/png")
                .multiPart("options", "{\"mode\":\"FAST\",\"model\":\"tiny-jobs\",\"size\":64}")
                .when().post("/v1/jobs")
                .then().statusCode(202);
    }
}
