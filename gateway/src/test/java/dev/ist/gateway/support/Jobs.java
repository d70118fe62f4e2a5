package dev.ist.gateway.support;

import dev.ist.testkit.TestImages;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import java.time.Duration;

import static io.restassured.RestAssured.given;

/** Small helpers for API tests: submitting a job and waiting for a status, through the real HTTP API. */
public final class Jobs {

    public static final byte[] CONTENT = TestImages.gradientPng(40, 30);
    public static final byte[] STYLE = TestImages.stripesPng(24, 24, 4);

    private Jobs() {
    }

    public static RequestSpecification as(String key) {
        return given().header("X-Api-Key", key);
    }

    /** Multipart submit of the test images with the given options JSON. */
    public static Response submit(String key, String optionsJson) {
        return as(key)
                .multiPart("content", "content.png", CONTENT, "image/png")
                .multiPart("style", "style.png", STYLE, "image/png")
                .multiPart("options", optionsJson)
                .when().post("/v1/jobs");
    }

    /** Submits and returns the job id, failing unless the answer is 202. */
    /** The dry run of {@link #submit}'s body: the quote, with nothing stored or queued. */
    public static Response dryRun(String key, String optionsJson) {
        return as(key)
                .multiPart("content", "content.png", CONTENT, "image/png")
                .multiPart("style", "style.png", STYLE, "image/png")
                .multiPart("options", optionsJson)
                .when().post("/v1/jobs?dryRun=true");
    }

    public static String submitted(String key, String optionsJson) {
        return submit(key, optionsJson).then().statusCode(202).extract().path("id");
    }

    /** Polls GET /v1/jobs/{id} until it reports {@code status}; returns the last body. */
    public static Response awaitStatus(String key, String id, String status, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Response last = null;
        while (System.nanoTime() < deadline) {
            last = as(key).get("/v1/jobs/" + id);
            if (last.statusCode() == 200 && status.equals(last.path("status"))) {
                return last;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("job " + id + " did not reach " + status + " within " + timeout + "; last answer: "
                + (last == null ? "none" : last.statusCode() + " " + last.asString()));
    }
}
