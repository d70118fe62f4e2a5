package dev.ist.gateway.webhooks;

import dev.ist.gateway.support.IstTestResource;
import dev.ist.gateway.support.Jobs;
import dev.ist.gateway.support.TestEnv;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.ist.gateway.support.Jobs.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** With the default SSRF rules (no private addresses, https only) a submission's webhook URL is checked: 422. */
@QuarkusTest
@TestProfile(WebhookSsrfRefusalTest.StrictWebhooks.class)
class WebhookSsrfRefusalTest {

    public static class StrictWebhooks implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(IstTestResource.class, Map.of(
                    "ist.gateway.webhooks.allow-private", "false",
                    "ist.gateway.webhooks.allow-http", "false")));
        }
    }

    private static void refused(String url, String why) {
        as(TestEnv.ALICE_KEY)
                .multiPart("content", "content.png", Jobs.CONTENT, "image/png")
                .multiPart("style", "style.png", Jobs.STYLE, "image/png")
                .multiPart("webhook", "{\"url\":\"" + url + "\"}")
                .when().post("/v1/jobs").then().statusCode(422)
                .contentType("application/problem+json")
                .body("field", equalTo("webhook.url"))
                .body("detail", containsString(why));
    }

    @Test
    void loopbackPrivateLinkLocalAndMetadataUrlsAreRefusedAtSubmit() {
        refused("https://127.0.0.1/hook", "loopback");
        refused("https://localhost:8443/hook", "loopback");
        refused("https://10.0.0.7/hook", "private");
        refused("https://192.168.0.10/hook", "private");
        refused("https://169.254.169.254/latest/meta-data/", "link-local");
        refused("https://[::1]/hook", "loopback");
        refused("https://0.0.0.0/hook", "unspecified");
    }

    @Test
    void plainHttpIsRefusedUnlessAllowed() {
        refused("http://93.184.215.14/hook", "https");
    }

    @Test
    void aJsonSubmissionIsCheckedTheSameWay() {
        String sha = as(TestEnv.ALICE_KEY).contentType("image/png").body(Jobs.CONTENT)
                .when().post("/v1/images").then().statusCode(201).extract().path("sha256");
        as(TestEnv.ALICE_KEY).contentType("application/json")
                .body("{\"content\":{\"sha256\":\"" + sha + "\"},\"styles\":[{\"image\":{\"sha256\":\"" + sha
                        + "\"}}],\"webhook\":{\"url\":\"https://169.254.169.254/\"}}")
                .when().post("/v1/jobs").then().statusCode(422)
                .body("field", equalTo("webhook.url"));
    }
}
