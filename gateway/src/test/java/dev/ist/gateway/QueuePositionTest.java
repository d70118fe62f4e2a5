package dev.ist.gateway;

import dev.ist.gateway.support.IstTestResource;
import dev.ist.gateway.support.Jobs;
import dev.ist.gateway.support.TestEnv;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.ist.gateway.support.Jobs.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A queued job's status carries its position; positions decrease as the jobs ahead of it leave the queue. */
@QuarkusTest
@WithTestResource(IstTestResource.class)
class QueuePositionTest {

    @Test
    void positionsFollowSubmissionOrderAndDecreaseAsJobsAheadLeaveTheQueue() throws Exception {
        // the queued key: the stand-in leaves these queued, so only a deadline or nothing moves them
        List<String> ids = new ArrayList<>();
        // the first one ends at its deadline (CANCELLED by the fleet), the other two stay queued behind it
        ids.add(as(TestEnv.QUEUED_KEY).header("Cancel-After", "2s")
                .multiPart("content", "content.png", Jobs.CONTENT, "image/png")
                .multiPart("style", "style.png", Jobs.STYLE, "image/png")
                .when().post("/v1/jobs").then().statusCode(202).extract().path("id"));
        for (int i = 0; i < 2; i++) {
            ids.add(Jobs.submitted(TestEnv.QUEUED_KEY, "{\"size\":64,\"iterations\":20}"));
        }
        List<Integer> before = new ArrayList<>();
        for (String id : ids) {
            before.add(as(TestEnv.QUEUED_KEY).get("/v1/jobs/" + id).path("queue.position"));
        }
        assertTrue(before.get(0) < before.get(1) && before.get(1) < before.get(2), before.toString());

        Jobs.awaitStatus(TestEnv.QUEUED_KEY, ids.get(0), "CANCELLED", java.time.Duration.ofSeconds(30));
        assertNull(as(TestEnv.QUEUED_KEY).get("/v1/jobs/" + ids.get(0)).path("queue"));
        int second = as(TestEnv.QUEUED_KEY).get("/v1/jobs/" + ids.get(1)).path("queue.position");
        int third = as(TestEnv.QUEUED_KEY).get("/v1/jobs/" + ids.get(2)).path("queue.position");
        assertEquals(before.get(1) - 1, second);
        assertEquals(before.get(2) - 1, third);
        as(TestEnv.QUEUED_KEY).delete("/v1/jobs/" + ids.get(1)).then().statusCode(202);
        as(TestEnv.QUEUED_KEY).delete("/v1/jobs/" + ids.get(2)).then().statusCode(202);
    }

    /** Not a timed assertion: prints how far the ETA given at submit was from the time each of 10 jobs took. */
    @Test
    void etaErrorOnARunOfTenJobs() throws Exception {
        Jobs.awaitStatus(TestEnv.ALICE_KEY, Jobs.submitted(TestEnv.ALICE_KEY, "{\"size\":64,\"iterations\":50}"),
                "SUCCEEDED", java.time.Duration.ofSeconds(30)); // one finished job: the view has a duration
        List<String> ids = new ArrayList<>();
        List<Long> etas = new ArrayList<>();
        List<Long> submitted = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            submitted.add(System.currentTimeMillis());
            io.restassured.response.Response r = Jobs.submit(TestEnv.ALICE_KEY, "{\"size\":64,\"iterations\":50}");
            ids.add(r.path("id"));
            Number eta = r.path("queue.etaSeconds");
            etas.add(eta == null ? -1L : eta.longValue());
        }
        double sumAbs = 0;
        int n = 0;
        for (int i = 0; i < ids.size(); i++) {
            io.restassured.response.Response done = Jobs.awaitStatus(TestEnv.ALICE_KEY, ids.get(i), "SUCCEEDED",
                    java.time.Duration.ofSeconds(60));
            long actualMs = java.time.Instant.parse(done.path("updatedAt")).toEpochMilli() - submitted.get(i);
            if (etas.get(i) >= 0) {
                sumAbs += Math.abs(etas.get(i) * 1000 - actualMs);
                n++;
            }
        }
        assertTrue(n > 0, "queued jobs carry an ETA once a job has finished: " + etas);
        System.out.printf("QUEUE_ETA_ERROR mean_abs_ms=%.0f over %d jobs (ETAs at submit %s s)%n", sumAbs / n, n, etas);
    }
}
