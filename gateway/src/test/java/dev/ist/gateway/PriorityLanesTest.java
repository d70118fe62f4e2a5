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
        // other tests may leave NORMAL jobs queued, among which the weighted schedule gives LOW its turn: only the
        // HIGH job's place is certain
        assertTrue(pHigh < pNormal && pHigh < pLow, "high " + pHigh + ", normal " + pNormal + ", low " + pLow);
        for (String id : List.of(low, normal, high)) {
            as(TestEnv.LANES_KEY).delete("/v1/jobs/" + id).then().statusCode(202);
        }
    }

    @Test
    void queuePositionsArePushedOnTheStreamAndDecreaseAsJobsAheadLeave() throws Exception {
        // three jobs ahead, then the one we follow; the ones ahead leave the queue one by one (cancelled)
        List<String> ahead = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ahead.add(Jobs.submitted(TestEnv.LANES_KEY, OPTIONS));
        }
        String followed = Jobs.submitted(TestEnv.LANES_KEY, OPTIONS);
        int start = as(TestEnv.LANES_KEY).get("/v1/jobs/" + followed).path("queue.position");

        java.util.Set<Integer> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        CompletableFuture<SseClient.Stream> stream = SseClient.follow(
                base.resolve("/v1/jobs/" + followed + "/events"), TestEnv.LANES_KEY,
                q -> seen.add(((Number) q.get("position")).intValue()));
        awaitSeen(seen, start); // pushed when the stream opens
        int expected = start;
        for (String id : ahead) {
            as(TestEnv.LANES_KEY).delete("/v1/jobs/" + id).then().statusCode(202);
            expected--;
            awaitSeen(seen, expected); // pushed when a job ahead leaves
        }
        assertEquals(expected, (int) as(TestEnv.LANES_KEY).get("/v1/jobs/" + followed).path("queue.position"));
        as(TestEnv.LANES_KEY).delete("/v1/jobs/" + followed).then().statusCode(202);
        // the fleet answers the cancel with CANCELLED, which ends the stream
        SseClient.Stream s = stream.get(30, java.util.concurrent.TimeUnit.SECONDS);
        // an ETA may move on its own (other jobs finishing change the mean): the positions are what must fall
        List<Integer> positions = new ArrayList<>();
        for (Map<String, Object> q : s.queue()) {
            int p = ((Number) q.get("position")).intValue();
            if (positions.isEmpty() || positions.get(positions.size() - 1) != p) {
                positions.add(p);
            }
        }
        assertEquals(List.of(start, start - 1, start - 2, start - 3), positions);
        for (Map<String, Object> q : s.queue()) {
            assertEquals(followed, q.get("jobId"));
        }
        assertEquals("CANCELLED", s.events().get(s.events().size() - 1).event().type().name());
    }

    private static void awaitSeen(java.util.Set<Integer> seen, int position) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!seen.contains(position)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("position " + position + " was not pushed; seen " + seen);
            }
            Thread.sleep(20);
        }
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
