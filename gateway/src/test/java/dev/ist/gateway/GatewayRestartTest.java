package dev.ist.gateway;

import dev.ist.common.event.EventType;
import dev.ist.gateway.support.IstTestResource;
import dev.ist.gateway.support.Jobs;
import dev.ist.gateway.support.SseClient;
import dev.ist.gateway.support.TestEnv;
import dev.ist.gateway.support.WorkerStandIn;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import static dev.ist.gateway.support.Jobs.as;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The gateway after a restart: before it started, the test resource wrote the whole history of a job onto the
 * topics, as an earlier gateway and a worker would have. This instance never saw that job submitted, yet it
 * answers its status, replays its events, serves its result, and maps a retry of its submission to it.
 */
@QuarkusTest
@WithTestResource(IstTestResource.class)
class GatewayRestartTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void aJobAcceptedBeforeTheRestartIsKnownFromTheTopics() throws Exception {
        String id = TestEnv.seededJobId();
        as(TestEnv.ALICE_KEY).get("/v1/jobs/" + id).then().statusCode(200)
                .body("status", equalTo("SUCCEEDED"))
                .body("lastSeq", equalTo(3))
                .body("workerId", equalTo("earlier-worker"))
                .body("timingsMs.total", equalTo(2000));

        SseClient.Stream replay = SseClient.read(base.resolve("/v1/jobs/" + id + "/events"), TestEnv.ALICE_KEY, null,
                Duration.ofSeconds(10));
        assertEquals(List.of(EventType.QUEUED, EventType.RUNNING, EventType.PROGRESS, EventType.SUCCEEDED),
                replay.events().stream().map(r -> r.event().type()).toList());

        byte[] result = as(TestEnv.ALICE_KEY).queryParam("download", "stream").get("/v1/jobs/" + id + "/result")
                .then().statusCode(200).extract().asByteArray();
        assertArrayEquals(WorkerStandIn.resultImage(), result);
    }

    @Test
    void aRetryOfASubmissionAcceptedBeforeTheRestartReturnsThatJob() {
        as(TestEnv.ALICE_KEY).header("Idempotency-Key", TestEnv.SEEDED_IDEMPOTENCY_KEY)
                .multiPart("content", "c.png", Jobs.CONTENT, "image/png")
                .multiPart("style", "s.png", Jobs.STYLE, "image/png")
                .post("/v1/jobs").then()
                .statusCode(202)
                .header("Idempotent-Replayed", "true")
                .body("id", equalTo(TestEnv.seededJobId()))
                .body("status", equalTo("SUCCEEDED"));
    }
}
