package dev.ist.gateway;

import dev.ist.gateway.support.IstTestResource;
import dev.ist.gateway.support.Jobs;
import dev.ist.gateway.support.TestEnv;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static dev.ist.gateway.support.Jobs.as;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cancel-After / deadline: a job not finished by then ends CANCELLED with reason "deadline", queued or running. */
@QuarkusTest
@WithTestResource(IstTestResource.class)
class DeadlineTest {

    private static Response submit(String key, String options, String cancelAfter) {
        return as(key).header("Cancel-After", cancelAfter)
                .multiPart("content", "content.png", Jobs.CONTENT, "image/png")
                .multiPart("style", "style.png", Jobs.STYLE, "image/png")
                .multiPart("options", options)
                .when().post("/v1/jobs");
    }

    @Test
    void aQueuedJobPastItsDeadlineEndsCancelledWithReasonDeadline() throws Exception {
        // the stand-in leaves carol's jobs queued: only the deadline can end this one
        Response accepted = submit(TestEnv.CAROL_KEY, "{\"size\":64,\"iterations\":20}", "1s");
        accepted.then().statusCode(202);
        String id = accepted.path("id");
        Instant deadline = Instant.parse(accepted.path("deadline"));
        assertTrue(deadline.isAfter(Instant.parse(accepted.path("submittedAt"))));
        Response done = Jobs.awaitStatus(TestEnv.CAROL_KEY, id, "CANCELLED", Duration.ofSeconds(30));
        assertEquals("deadline", done.path("failure.message"));
    }

    @Test
    void aRunningJobPastItsDeadlineEndsCancelledWithReasonDeadline() throws Exception {
        Response accepted = submit(TestEnv.ALICE_KEY, "{\"size\":64,\"iterations\":1000}", "3s");
        accepted.then().statusCode(202);
        String id = accepted.path("id");
        Jobs.awaitStatus(TestEnv.ALICE_KEY, id, "RUNNING", Duration.ofSeconds(20));
        Response done = Jobs.awaitStatus(TestEnv.ALICE_KEY, id, "CANCELLED", Duration.ofSeconds(30));
        assertEquals("deadline", done.path("failure.message"));
    }

    @Test
    void anUnreadableOrPastDeadlineIsRefused() {
        submit(TestEnv.ALICE_KEY, "{\"size\":64,\"iterations\":20}", "soon").then().statusCode(422)
                .body("field", equalTo("Cancel-After"));
        submit(TestEnv.ALICE_KEY, "{\"size\":64,\"iterations\":20}", "30d").then().statusCode(422)
                .body("field", equalTo("Cancel-After"));
        as(TestEnv.ALICE_KEY)
                .multiPart("content", "content.png", Jobs.CONTENT, "image/png")
                .multiPart("style", "style.png", Jobs.STYLE, "image/png")
                .multiPart("deadline", "2020-01-01T00:00:00Z")
                .when().post("/v1/jobs").then().statusCode(422).body("field", equalTo("deadline"));
    }
}
