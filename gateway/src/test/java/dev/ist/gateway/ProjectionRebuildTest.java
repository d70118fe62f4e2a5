package dev.ist.gateway;

import dev.ist.gateway.api.JobResponse;
import dev.ist.gateway.submit.JobIds;
import dev.ist.gateway.support.IstTestResource;
import dev.ist.gateway.support.Jobs;
import dev.ist.gateway.support.TestEnv;
import dev.ist.gateway.store.JobSnapshot;
import dev.ist.gateway.store.JobStore;
import dev.ist.gateway.support.FreshProjection;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.ist.gateway.support.Jobs.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kafka is the source of truth: a job store projected from offset 0 of the topics into an empty database (what a
 * rebuild does) answers exactly what the running gateway's store answers, idempotent retries included.
 */
@QuarkusTest
@WithTestResource(IstTestResource.class)
class ProjectionRebuildTest {

    @Inject
    JobStore running;

    @Test
    void aStoreProjectedFromOffsetZeroAnswersLikeTheRunningGateway() throws Exception {
        String done = Jobs.submitted(TestEnv.ALICE_KEY, "{\"size\":64,\"iterations\":30}");
        String slow = Jobs.submitted(TestEnv.ALICE_KEY, "{\"size\":64,\"iterations\":1000}");
        String idempotencyKey = "after-restart-" + UUID.randomUUID();
        String keyed = as(TestEnv.ALICE_KEY).header("Idempotency-Key", idempotencyKey)
                .multiPart("content", "c.png", Jobs.CONTENT, "image/png")
                .multiPart("style", "s.png", Jobs.STYLE, "image/png")
                .multiPart("options", "{\"size\":64,\"iterations\":20}")
                .post("/v1/jobs").then().statusCode(202).extract().path("id");
        Jobs.awaitStatus(TestEnv.ALICE_KEY, done, "SUCCEEDED", Duration.ofSeconds(30));
        Jobs.awaitStatus(TestEnv.ALICE_KEY, keyed, "SUCCEEDED", Duration.ofSeconds(30));
        Jobs.awaitStatus(TestEnv.ALICE_KEY, slow, "RUNNING", Duration.ofSeconds(30));
        as(TestEnv.ALICE_KEY).delete("/v1/jobs/" + slow).then().statusCode(202);
        Jobs.awaitStatus(TestEnv.ALICE_KEY, slow, "CANCELLED", Duration.ofSeconds(30));

        try (FreshProjection fresh = FreshProjection.of(TestEnv.topics())) {
            assertTrue(fresh.projector.awaitCaughtUp(60, TimeUnit.SECONDS), "the fresh projector catches up");
            JobStore rebuilt = fresh.store;

            for (String id : List.of(done, slow, keyed)) {
                JobSnapshot projected = rebuilt.find(id).orElseThrow(() -> new AssertionError("rebuilt store lacks " + id));
                JobSnapshot live = running.find(id).orElseThrow();
                assertEquals(JobResponse.of(live), JobResponse.of(projected), "job " + id);
                assertEquals(running.eventsAfter(id, -1), rebuilt.eventsAfter(id, -1), "events of job " + id);
            }
            assertEquals("SUCCEEDED", rebuilt.find(done).orElseThrow().state().name());
            assertEquals("CANCELLED", rebuilt.find(slow).orElseThrow().state().name());
            assertTrue(rebuilt.find(slow).orElseThrow().cancelRequested());
            // a retry that reaches a restarted gateway maps to the same job, already known from the topics
            assertTrue(rebuilt.find(JobIds.forIdempotencyKey("alice", idempotencyKey)).isPresent());
            assertEquals(running.count("alice", null), rebuilt.count("alice", null));
            assertEquals(running.inFlight("alice"), rebuilt.inFlight("alice"));
        }
    }
}
