package dev.ist.gateway;

import dev.ist.gateway.submit.JobIds;
import dev.ist.gateway.support.IstTestResource;
import dev.ist.gateway.support.Jobs;
import dev.ist.gateway.support.TestEnv;
import dev.ist.testkit.TestImages;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.UUID;
import java.util.zip.CRC32;

import static dev.ist.gateway.support.Jobs.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

/**
 * Every refusal of the input gate, each as an RFC 9457 problem naming the field (and the limit where one applies),
 * and each leaving nothing published: a refused submission's Idempotency-Key still maps to no job.
 */
@QuarkusTest
@WithTestResource(IstTestResource.class)
class RefusalTest {

    private static final String PROBLEM = "application/problem+json";

    @Test
    void bytesThatAreNoImageAreRefusedAsUnsupportedType() {
        refusedSubmit("not-an-image", "hello, I am text".getBytes(StandardCharsets.UTF_8), Jobs.STYLE, "{}")
                .statusCode(415).contentType(PROBLEM)
                .body("type", equalTo("urn:ist:problem:unsupported-image-type"))
                .body("title", equalTo("Unsupported image type"))
                .body("status", equalTo(415))
                .body("field", equalTo("content"))
                .body("errors[0].field", equalTo("content"))
                .body("detail", containsString("PNG or JPEG"));
    }

    @Test
    void aGifStyleIsRefusedAndNamedByItsIndex() {
        byte[] gif = "GIF89a\u0001\u0000\u0001\u0000\u0080\u0000\u0000".getBytes(StandardCharsets.ISO_8859_1);
        refusedSubmit("gif", Jobs.CONTENT, gif, "{}")
                .statusCode(415).contentType(PROBLEM)
                .body("field", equalTo("styles[0]"));
    }

    @Test
    void anImageOverTheByteLimitIsRefusedWithTheLimit() {
        byte[] big = TestImages.noisePng(400, 400, 3); // ~480 kB of incompressible pixels
        refusedSubmit("big", big, Jobs.STYLE, "{}")
                .statusCode(413).contentType(PROBLEM)
                .body("type", equalTo("urn:ist:problem:too-many-bytes"))
                .body("field", equalTo("content"))
                .body("limit", equalTo((int) TestEnv.MAX_INPUT_BYTES));
        // the single-image upload applies the same gate
        as(TestEnv.ALICE_KEY).contentType("image/png").body(big).post("/v1/images")
                .then().statusCode(413).body("limit", equalTo((int) TestEnv.MAX_INPUT_BYTES));
    }

    @Test
    void aPngWhoseHeaderClaimsTooManyPixelsIsRefusedBeforeDecoding() {
        byte[] bomb = pngClaiming(100_000, 100_000);
        refusedSubmit("bomb", Jobs.CONTENT, bomb, "{}")
                .statusCode(422).contentType(PROBLEM)
                .body("type", equalTo("urn:ist:problem:too-many-pixels"))
                .body("field", equalTo("styles[0]"))
                .body("limit", equalTo((int) TestEnv.MAX_INPUT_PIXELS))
                .body("detail", containsString("100000×100000"));
    }

    @Test
    void optionsOutOfBoundsAreRefusedFieldByField() {
        refusedSubmit("bounds", Jobs.CONTENT, Jobs.STYLE, "{\"iterations\":0,\"size\":99999}")
                .statusCode(422).contentType(PROBLEM)
                .body("type", equalTo("urn:ist:problem:invalid-request"))
                .body("errors.field", hasItem("options.iterations"))
                .body("errors.field", hasItem("options.size"));
        refusedSubmit("unknown-option", Jobs.CONTENT, Jobs.STYLE, "{\"colour\":\"red\"}")
                .statusCode(422).body("field", equalTo("options.colour"));
        refusedSubmit("wrong-type", Jobs.CONTENT, Jobs.STYLE, "{\"iterations\":\"many\"}")
                .statusCode(422).body("field", equalTo("options.iterations"));
        refusedSubmit("not-json", Jobs.CONTENT, Jobs.STYLE, "{iterations")
                .statusCode(422).body("field", equalTo("options"));
        refusedSubmit("bad-layer", Jobs.CONTENT, Jobs.STYLE, "{\"styleLayers\":[\"relu9_9\"]}")
                .statusCode(422).body("field", equalTo("options.styleLayers"))
                .body("detail", containsString("relu9_9"));
    }

    @Test
    void partsTheApiDoesNotReadAreRefusedAndAnOptionSentAsAPartIsToldWhereItBelongs() {
        String key = "option-as-part-" + UUID.randomUUID();
        as(TestEnv.ALICE_KEY).header("Idempotency-Key", key)
                .multiPart("content", "c.png", Jobs.CONTENT, "image/png")
                .multiPart("style", "s.png", Jobs.STYLE, "image/png")
                .multiPart("size", "2048")
                .multiPart("iterations", "40")
                .post("/v1/jobs").then()
                .statusCode(422).contentType(PROBLEM)
                .body("type", equalTo("urn:ist:problem:invalid-request"))
                .body("errors.field", hasItem("size"))
                .body("errors.field", hasItem("iterations"))
                .body("errors[0].message", containsString("inside the 'options' part"));
        assertNoJob(key);
        as(TestEnv.ALICE_KEY)
                .multiPart("content", "c.png", Jobs.CONTENT, "image/png")
                .multiPart("style", "s.png", Jobs.STYLE, "image/png")
                .multiPart("styles", "s2.png", Jobs.STYLE, "image/png")
                .post("/v1/jobs?dryRun=true").then()
                .statusCode(422).body("field", equalTo("styles"))
                .body("errors[0].message", containsString("unknown part"));
    }

    @Test
    void moreStylesThanAllowedAreRefusedWithTheLimit() {
        String key = "too-many-styles-" + UUID.randomUUID();
        var request = as(TestEnv.ALICE_KEY).header("Idempotency-Key", key)
                .multiPart("content", "c.png", Jobs.CONTENT, "image/png");
        for (int i = 0; i < 5; i++) {
            request = request.multiPart("style", "s" + i + ".png", Jobs.STYLE, "image/png");
        }
        request.post("/v1/jobs").then()
                .statusCode(422).contentType(PROBLEM)
                .body("type", equalTo("urn:ist:problem:too-many-styles"))
                .body("field", equalTo("styles"))
                .body("limit", equalTo(4));
        assertNoJob(key);
    }

    @Test
    void aJobWithoutStylesIsRefused() {
        as(TestEnv.ALICE_KEY).multiPart("content", "c.png", Jobs.CONTENT, "image/png").post("/v1/jobs")
                .then().statusCode(422).body("field", equalTo("styles"));
    }

    @Test
    void anUnknownJobIsNotFound() {
        as(TestEnv.ALICE_KEY).get("/v1/jobs/" + UUID.randomUUID()).then()
                .statusCode(404).contentType(PROBLEM).body("type", equalTo("urn:ist:problem:job-not-found"));
        as(TestEnv.ALICE_KEY).get("/v1/jobs/not-a-uuid/events").then().statusCode(404).contentType(PROBLEM);
        as(TestEnv.ALICE_KEY).get("/v1/jobs/" + UUID.randomUUID() + "/result").then().statusCode(404);
    }

    @Test
    void requestsWithoutAValidKeyAreUnauthorized() {
        given().get("/v1/jobs").then()
                .statusCode(401).contentType(PROBLEM)
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("type", equalTo("urn:ist:problem:unauthorized"));
        given().header("Authorization", "Bearer wrong-key").get("/v1/jobs").then().statusCode(401)
                .body("detail", equalTo("the API key is not valid"));
        given().multiPart("content", "c.png", Jobs.CONTENT, "image/png").post("/v1/jobs").then().statusCode(401);
        given().header("Authorization", "Bearer " + TestEnv.ALICE_KEY).get("/v1/jobs").then().statusCode(200);
    }

    @Test
    void refusalsAndSubmissionsAreCountedInTheMetrics() {
        refusedSubmit("metrics", "text".getBytes(StandardCharsets.UTF_8), Jobs.STYLE, "{}").statusCode(415);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        org.junit.jupiter.api.Assertions.assertTrue(
                metrics.contains("ist_gateway_refusals_total{reason=\"unsupported_type\"}"), "refusal counter");
        org.junit.jupiter.api.Assertions.assertTrue(
                metrics.contains("ist_gateway_submissions_total{outcome=\"refused\"}"), "submission counter");
        org.junit.jupiter.api.Assertions.assertTrue(metrics.contains("ist_gateway_sse_clients"), "sse gauge");
        org.junit.jupiter.api.Assertions.assertTrue(metrics.contains("ist_gateway_jobs{state=\"queued\"}"),
                "jobs gauge");
        org.junit.jupiter.api.Assertions.assertTrue(metrics.contains("http_server_requests_seconds_bucket"),
                "request latency histogram");
    }

    @Test
    void healthAndTheOpenApiDocumentAreServed() {
        given().get("/q/health/ready").then().statusCode(200).body("checks.name", hasItem("job-store"));
        given().get("/q/health/live").then().statusCode(200);
        given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("paths.'/v1/jobs'.post", org.hamcrest.Matchers.notNullValue())
                .body("paths.'/v1/jobs/{id}/events'.get", org.hamcrest.Matchers.notNullValue());
    }

    /** Submits with an Idempotency-Key and checks afterwards that the refused job was never published. */
    private static ValidatableResponse refusedSubmit(String name, byte[] content, byte[] style, String options) {
        String key = name + "-" + UUID.randomUUID();
        ValidatableResponse r = as(TestEnv.ALICE_KEY).header("Idempotency-Key", key)
                .multiPart("content", "c.bin", content, "application/octet-stream")
                .multiPart("style", "s.bin", style, "application/octet-stream")
                .multiPart("options", options)
                .post("/v1/jobs").then();
        assertNoJob(key);
        return r;
    }

    private static void assertNoJob(String idempotencyKey) {
        as(TestEnv.ALICE_KEY).get("/v1/jobs/" + JobIds.forIdempotencyKey("alice", idempotencyKey))
                .then().statusCode(404);
    }

    /** A valid PNG signature and IHDR chunk claiming the given size, with one tiny IDAT: a decompression bomb's header. */
    static byte[] pngClaiming(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        byte[] junk = new byte[64];
        new Random(1).nextBytes(junk);
        chunk(out, "IDAT", junk);
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
