package dev.ist.gateway;

import dev.ist.common.codec.JsonCodec;
import dev.ist.common.job.JobRequest;
import dev.ist.common.job.Priority;
import dev.ist.gateway.support.IstTestResource;
import dev.ist.gateway.support.Jobs;
import dev.ist.gateway.support.SseClient;
import dev.ist.gateway.support.TestEnv;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static dev.ist.gateway.support.Jobs.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Priority lanes through the real API: the field, the key's grant, the lane's topic, the queue order across lanes,
 * and queue positions pushed on the event stream as jobs ahead leave the queue.
 */
@QuarkusTest
@WithTestResource(IstTestResource.class)
class PriorityLanesTest {

    private static final String OPTIONS = "{\"size\":64,\"iterations\":20}";

    @TestHTTPResource("/")
    URI base;

    private static Response submit(String key, String priority) {
        return as(key)
                .multiPart("content", "content.png", Jobs.CONTENT, "image/png")
                .multiPart("style", "style.png", Jobs.STYLE, "image/png")
                .multiPart("options", OPTIONS)
                .multiPart("priority", priority)
                .when().post("/v1/jobs");
    }

    @Test
    void aGrantedHighJobGoesToTheHighLaneTopicAndShowsItsPriority() throws Exception {
        Response r = submit(TestEnv.LANES_KEY, "High");
        r.then().statusCode(202).body("priority", equalTo("high"));
        String id = r.path("id");
        as(TestEnv.LANES_KEY).get("/v1/jobs/" + id).then().statusCode(200).body("priority", equalTo("high"));
        JobRequest onTopic = find(TestEnv.topics().jobsHigh(), id);
        assertEquals(Priority.HIGH, onTopic.priority());
        as(TestEnv.LANES_KEY).delete("/v1/jobs/" + id).then().statusCode(202);

        // absent = normal, on the original jobs topic
        String plain = Jobs.submitted(TestEnv.LANES_KEY, OPTIONS);
        as(TestEnv.LANES_KEY).get("/v1/jobs/" + plain).then().body("priority", equalTo("normal"));
        assertEquals(Priority.NORMAL, find(TestEnv.topics().jobs(), plain).lane());
        as(TestEnv.LANES_KEY).delete("/v1/jobs/" + plain).then().statusCode(202);
    }

    @Test
    void anUnknownPriorityIsA422NamingTheField() {
        submit(TestEnv.LANES_KEY, "urgent").then().statusCode(422)
                .body("errors.field", hasItem("priority"));
        String json = "{\"content\":{\"sha256\":\"" + "a".repeat(64) + "\"},\"priority\":\"asap\"}";
        as(TestEnv.LANES_KEY).contentType("application/json").body(json).post("/v1/jobs").then().statusCode(422)
                .body("errors.field", hasItem("priority"));
    }

    @Test
    void aKeyNotGrantedHighIsRefused403AndLowIsAllowed() {
        submit(TestEnv.ALICE_KEY, "high").then().statusCode(403)
                .contentType(containsString("application/problem+json"))
                .body("type", equalTo("urn:ist:problem:priority-not-allowed"))
                .body("maxPriority", equalTo("normal"))
                .body("errors.field", hasItem("priority"));
        submit(TestEnv.ALICE_KEY, "low").then().statusCode(202).body("priority", equalTo("low"));
    }

    @Test
    void anIdempotencyKeyIsBoundToThePriority() {
        String key = "lanes-" + UUID.randomUUID();
        String id = as(TestEnv.LANES_KEY).header("Idempotency-Key", key)
                .multiPart("content", "content.png", Jobs.CONTENT, "image/png")
                .multiPart("style", "style.png", Jobs.STYLE, "image/png")
                .multiPart("options", OPTIONS).multiPart("priority", "low")
                .post("/v1/jobs").then().statusCode(202).extract().path("id");
        as(TestEnv.LANES_KEY).header("Idempotency-Key", key)
                .multiPart("content", "content.png", Jobs.CONTENT, "image/png")
                .multiPart("style", "style.png", Jobs.STYLE, "image/png")
                .multiPart("options", OPTIONS).multiPart("priority", "high")
                .post("/v1/jobs").then().statusCode(422)
                .body("type", equalTo("urn:ist:problem:idempotency-key-reused"));
        as(TestEnv.LANES_KEY).delete("/v1/jobs/" + id).then().statusCode(202);
    }

    @Test
    void aHighJobSubmittedLaterIsAheadOfQueuedNormalAndLowJobs() {
        String low = submit(TestEnv.LANES_KEY, "low").then().statusCode(202).extract().path("id");
        String normal = submit(TestEnv.LANES_KEY, "normal").then().statusCode(202).extract().path("id");
        String high = submit(TestEnv.LANES_KEY, "high").then().statusCode(202).extract().path("id");
        int pLow = as(TestEnv.LANES_KEY).get("/v1/jobs/" + low).path("queue.position");
        int pNormal = as(TestEnv.LANES_KEY).get("/v1/jobs/" + normal).path("queue.position");
        int pHigh = as(TestEnv.LANES_KEY).get("/v1/jobs/" + high).path("queue.position");
        assertTrue(pHigh < pNormal && pNormal < pLow, "high " + pHigh + ", normal " + pNormal + ", low " + pLow);
        for (String id : List.of(low, normal, high)) {
            as(TestEnv.LANES_KEY).delete("/v1/jobs/" + id).then().statusCode(202);
        }
    }

    @Test
    void queuePositionsArePushedOnTheStreamAndDecreaseAsJobsAheadLeave() throws Exception {
        // three jobs ahead that end at their deadlines (the fleet cancels them), one after them that we follow
        List<String> ahead = new ArrayList<>();
        for (String after : List.of("6s", "7s", "8s")) {
            ahead.add(as(TestEnv.LANES_KEY).header("Cancel-After", after)
                    .multiPart("content", "content.png", Jobs.CONTENT, "image/png")
                    .multiPart("style", "style.png", Jobs.STYLE, "image/png")
                    .multiPart("options", OPTIONS)
                    .when().post("/v1/jobs").then().statusCode(202).extract().path("id"));
        }
        String followed = Jobs.submitted(TestEnv.LANES_KEY, OPTIONS);
        int start = as(TestEnv.LANES_KEY).get("/v1/jobs/" + followed).path("queue.position");
        for (String id : ahead) {
            assertEquals("QUEUED", as(TestEnv.LANES_KEY).get("/v1/jobs/" + id).path("status"),
                    "the deadlines leave time to submit and read every job while all are queued");
        }

        java.util.Set<Integer> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        CompletableFuture<SseClient.Stream> stream = SseClient.follow(
                base.resolve("/v1/jobs/" + followed + "/events"), TestEnv.LANES_KEY,
                q -> seen.add(((Number) q.get("position")).intValue()));
        for (String id : ahead) {
            Jobs.awaitStatus(TestEnv.LANES_KEY, id, "CANCELLED", Duration.ofSeconds(30));
        }
        int end = as(TestEnv.LANES_KEY).get("/v1/jobs/" + followed).path("queue.position");
        assertEquals(start - 3, end);
        // wait until the stream has been told the final position, then end it by cancelling the job
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!seen.contains(end) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        as(TestEnv.LANES_KEY).delete("/v1/jobs/" + followed).then().statusCode(202);

        SseClient.Stream s = stream.get(30, java.util.concurrent.TimeUnit.SECONDS);
        List<Integer> positions = s.queue().stream().map(q -> ((Number) q.get("position")).intValue()).toList();
        assertEquals(start, positions.get(0), positions.toString());
        assertEquals(end, positions.get(positions.size() - 1), positions.toString());
        for (int i = 1; i < positions.size(); i++) {
            assertTrue(positions.get(i) < positions.get(i - 1), "positions only decrease: " + positions);
        }
        assertTrue(positions.size() >= 2, positions.toString());
        for (Map<String, Object> q : s.queue()) {
            assertEquals(followed, q.get("jobId"));
        }
        assertEquals("CANCELLED", s.events().get(s.events().size() - 1).event().type().name());
    }

    private static JobRequest find(String topic, String jobId) throws Exception {
        try (KafkaConsumer<String, byte[]> c = TestEnv.kafka().newConsumer("lanes-check-" + UUID.randomUUID())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (jobId.equals(r.key())) {
                        return JsonCodec.shared().decodeRequest(r.value());
                    }
                }
            }
        }
        throw new AssertionError("no request for " + jobId + " on " + topic);
    }
}
