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
}
