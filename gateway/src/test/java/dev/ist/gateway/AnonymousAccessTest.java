package dev.ist.gateway;

import dev.ist.gateway.support.BrowserRun;
import dev.ist.gateway.support.IstTestResource;
import dev.ist.gateway.support.Jobs;
import dev.ist.gateway.support.TestEnv;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/** With {@code ist.gateway.allow-anonymous=true} (the local demo) the API works without a key, as "anonymous". */
@QuarkusTest
@TestProfile(AnonymousAccessTest.AnonymousAllowed.class)
@WithTestResource(IstTestResource.class)
class AnonymousAccessTest {

    public static class AnonymousAllowed implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ist.gateway.allow-anonymous", "true");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Test
    void thePageWorksWithoutAnyKey() throws Exception {
        BrowserRun.run(base, null, "anonymous");
    }

    @Test
    void jobsCanBeSubmittedAndFollowedWithoutAKeyButAWrongKeyIsStillRefused() throws Exception {
        String id = given()
                .multiPart("content", "c.png", Jobs.CONTENT, "image/png")
                .multiPart("style", "s.png", Jobs.STYLE, "image/png")
                .multiPart("options", "{\"size\":64,\"iterations\":20}")
                .post("/v1/jobs").then().statusCode(202).extract().path("id");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!"SUCCEEDED".equals(given().get("/v1/jobs/" + id).path("status"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("anonymous job did not finish: " + given().get("/v1/jobs/" + id).asString());
            }
            Thread.sleep(50);
        }
        given().get("/v1/jobs").then().statusCode(200).body("items.id", hasItem(id));
        given().queryParam("download", "stream").get("/v1/jobs/" + id + "/result").then().statusCode(200);

        given().header("X-Api-Key", "not-a-key").get("/v1/jobs").then().statusCode(401);
        // keyed callers do not see anonymous jobs
        given().header("X-Api-Key", TestEnv.ALICE_KEY).get("/v1/jobs").then().statusCode(200)
                .body("items.id", not(hasItem(id)));
        given().header("X-Api-Key", TestEnv.ALICE_KEY).get("/v1/jobs/" + id).then().statusCode(404)
                .body("status", equalTo(404));
    }

    @Test
    void withoutAKeyOnlyTheGatewaysOwnPageMayChangeState() {
        // a cross-site form post from a page the user happens to visit
        given().header("Origin", "https://evil.example")
                .multiPart("content", "c.png", Jobs.CONTENT, "image/png")
                .multiPart("style", "s.png", Jobs.STYLE, "image/png")
                .post("/v1/jobs").then().statusCode(403).contentType("application/problem+json")
                .body("type", equalTo("urn:ist:problem:cross-origin-refused"));
        given().header("Origin", "null").contentType("image/png").body(Jobs.CONTENT).post("/v1/images").then()
                .statusCode(403).body("type", equalTo("urn:ist:problem:cross-origin-refused"));
        // DNS rebinding: evil.example resolving to 127.0.0.1 still carries its own name
        given().header("Host", "evil.example:" + base.getPort()).contentType("image/png").body(Jobs.CONTENT)
                .post("/v1/images").then().statusCode(403)
                .body("type", equalTo("urn:ist:problem:cross-origin-refused"));
        given().header("Origin", "https://evil.example").delete("/v1/jobs/" + java.util.UUID.randomUUID())
                .then().statusCode(403);
        // reading is harmless (a browser will not hand a foreign page the answer), and the own page may post
        given().header("Origin", "https://evil.example").get("/v1/jobs").then().statusCode(200);
        given().header("Origin", "http://" + base.getHost() + ":" + base.getPort())
                .contentType("image/png").body(Jobs.CONTENT).post("/v1/images").then().statusCode(201);
        // with a key, the guard does not apply (the key is the credential, not the browser's ambient access)
        given().header("X-Api-Key", TestEnv.ALICE_KEY).header("Origin", "https://other.example")
                .contentType("image/png").body(Jobs.CONTENT).post("/v1/images").then().statusCode(201);
    }

    @Test
    void anonymousModelUploadNeedsItsOwnSetting() {
        given().multiPart("model", "m.onnx", new byte[] {1, 2, 3}, "application/octet-stream")
                .multiPart("metadata", "{\"name\":\"anon-model\"}")
                .post("/v1/models").then().statusCode(403).body("type", equalTo("urn:ist:problem:forbidden"));
    }
}
