package dev.ist.gateway;

import dev.ist.gateway.support.IstTestResource;
import dev.ist.gateway.support.Jobs;
import dev.ist.gateway.support.TestEnv;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static dev.ist.gateway.support.Jobs.as;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

/** Per-key limits: jobs in flight and submissions per minute, each answered 429 with Retry-After. */
@QuarkusTest
@WithTestResource(IstTestResource.class)
class KeyLimitsTest {

    private static final String OPTIONS = "{\"size\":64,\"iterations\":20}";

    @Test
    void aKeyWithAllItsJobsInFlightGets429UntilOneFinishes() throws Exception {
        // the "limited" key may have 2 unfinished jobs; the worker stand-in leaves them queued
        String first = Jobs.submitted(TestEnv.LIMITED_KEY, OPTIONS);
        String second = Jobs.submitted(TestEnv.LIMITED_KEY, OPTIONS);

        Jobs.submit(TestEnv.LIMITED_KEY, OPTIONS).then()
                .statusCode(429).contentType("application/problem+json")
                .header("Retry-After", "10")
                .body("type", equalTo("urn:ist:problem:too-many-jobs-in-flight"))
                .body("limit", equalTo(2));
        // other keys are not affected
        Jobs.submit(TestEnv.BOB_KEY, OPTIONS).then().statusCode(202);

        as(TestEnv.LIMITED_KEY).delete("/v1/jobs/" + first).then().statusCode(202);
        as(TestEnv.LIMITED_KEY).delete("/v1/jobs/" + second).then().statusCode(202);
    }

    @Test
    void aKeyOverItsSubmissionRateGets429WithRetryAfter() {
        // the "burst" key may submit 3 jobs per minute
        for (int i = 0; i < 3; i++) {
            Jobs.submit(TestEnv.BURST_KEY, OPTIONS).then().statusCode(202);
        }
        var refused = Jobs.submit(TestEnv.BURST_KEY, OPTIONS);
        refused.then()
                .statusCode(429).contentType("application/problem+json")
                .body("type", equalTo("urn:ist:problem:rate-limited"))
                .body("limit", equalTo(3));
        int retryAfter = Integer.parseInt(refused.header("Retry-After"));
        org.hamcrest.MatcherAssert.assertThat(retryAfter, allOf(greaterThanOrEqualTo(1), lessThanOrEqualTo(60)));
    }
}
