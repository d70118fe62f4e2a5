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
import java.util.Map;

import static dev.ist.gateway.support.Jobs.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;

/**
 * {@code GET /v1/options} reflects the configured {@code ist.limits.*} (changed here from the defaults), the API
 * refuses just past what it announces, and the page's form takes those bounds (in a real Chromium).
 */
@QuarkusTest
@TestProfile(OptionsApiTest.ChangedLimits.class)
@WithTestResource(IstTestResource.class)
class OptionsApiTest {

    static final int MAX_ITERATIONS = 1234;
    static final int MAX_SIZE = 640;

    public static class ChangedLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ist.limits.max-iterations", Integer.toString(MAX_ITERATIONS),
                    "ist.limits.max-size", Integer.toString(MAX_SIZE),
                    "ist.limits.max-style-scale", "2");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Test
    void theEndpointShowsTheConfiguredLimitsAndTheApiRefusesJustPastThem() {
        as(TestEnv.ALICE_KEY).get("/v1/options").then().statusCode(200)
                .body("numbers.iterations.maximum", equalTo(MAX_ITERATIONS))
                .body("numbers.iterations.minimum", equalTo(1))
                .body("numbers.size.maximum", equalTo(MAX_SIZE))
                .body("numbers.styleScale.maximum", equalTo(2.0f))
                .body("numbers.styleScale.exclusiveMinimum", equalTo(0.0f))
                .body("numbers.iterations.default", equalTo(500))
                .body("choices.optimizer.values", hasItem("ADAM"))
                .body("choices.optimizer.default", equalTo("LBFGS"))
                .body("styles.max", equalTo(4));
        Jobs.submit(TestEnv.ALICE_KEY, "{\"size\":64,\"iterations\":" + (MAX_ITERATIONS + 1) + "}").then()
                .statusCode(422).body("errors.field", hasItem("options.iterations"));
        Jobs.submit(TestEnv.ALICE_KEY, "{\"size\":" + (MAX_SIZE + 16) + ",\"iterations\":5}").then()
                .statusCode(422).body("errors.field", hasItem("options.size"));
    }

    @Test
    void theOpenApiDocumentDescribesTheAnswer() {
        // the contract test validates a real answer against this schema; here the schema is not an empty object
        given().accept("application/json").queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("paths.'/v1/options'.get.responses.'200'.content.'application/json'.schema.'$ref'",
                        equalTo("#/components/schemas/OptionsView"))
                .body("components.schemas.OptionsView.properties.keySet()",
                        hasItems("numbers", "choices", "switches", "layers", "styles", "inputs"))
                .body("components.schemas.NumberOption.properties.keySet()",
                        hasItems("default", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "integer"));
    }

    @Test
    void thePagesFormTakesTheGatewaysBounds() throws Exception {
        BrowserRun.runOptions(base, TestEnv.PAGE_KEY, MAX_ITERATIONS, MAX_SIZE, "options");
    }
}
