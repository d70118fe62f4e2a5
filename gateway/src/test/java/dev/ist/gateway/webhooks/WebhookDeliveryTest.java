package dev.ist.gateway.webhooks;

import dev.ist.gateway.support.IstTestResource;
import dev.ist.gateway.support.Jobs;
import dev.ist.gateway.support.TestEnv;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static dev.ist.gateway.support.Jobs.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Webhooks end to end: real gateway, real Kafka topics and S3, the worker stand-in, and a receiver that checks
 * signatures, fails first attempts and answers a redirect.
 */
@QuarkusTest
@WithTestResource(IstTestResource.class)
class WebhookDeliveryTest {

    private static WebhookReceiver receiver;

    @BeforeAll
    static void startReceiver() throws Exception {
        receiver = new WebhookReceiver(List.of(TestEnv.WEBHOOK_SECRET_OLD, TestEnv.WEBHOOK_SECRET_NEW));
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    private static String submitWithWebhook(String url, String events, int iterations) {
        return as(TestEnv.ALICE_KEY)
                .multiPart("content", "content.png", Jobs.CONTENT, "image/png")
                .multiPart("style", "style.png", Jobs.STYLE, "image/png")
                .multiPart("options", "{\"size\":64,\"iterations\":" + iterations + "}")
                .multiPart("webhook", "{\"url\":\"" + url + "\",\"events\":" + events + "}")
                .when().post("/v1/jobs").then().statusCode(202).extract().path("id");
    }

    private static List<Map<String, Object>> deliveries(String id) {
        Response r = as(TestEnv.ALICE_KEY).get("/v1/jobs/" + id + "/webhooks");
        assertEquals(200, r.statusCode(), r.asString());
        return r.jsonPath().getList("deliveries");
    }

    private static List<Map<String, Object>> awaitDeliveries(String id, Predicate<List<Map<String, Object>>> done)
            throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<Map<String, Object>> last = List.of();
        while (System.nanoTime() < until) {
            last = deliveries(id);
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("deliveries of " + id + " never got there: " + last);
    }

    private static boolean completedIs(List<Map<String, Object>> ds, String state) {
        return ds.stream().anyMatch(d -> "completed".equals(d.get("event")) && state.equals(d.get("state")));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> attempts(Map<String, Object> d) {
        return (List<Map<String, Object>>) d.get("attempts");
    }

    @Test
    void deliveriesAreSignedPerSecretRetriedUnderTheSameIdAndProgressIsThrottled() throws Exception {
        String id = submitWithWebhook(receiver.url("/flaky"), "[\"start\",\"progress\",\"completed\"]", 100);
        List<Map<String, Object>> ds = awaitDeliveries(id, l -> completedIs(l, "DELIVERED")
                && l.stream().allMatch(d -> "DELIVERED".equals(d.get("state"))));

        List<String> events = ds.stream().map(d -> (String) d.get("event")).toList();
        assertEquals("start", events.get(0), events.toString());
        assertEquals("completed", events.get(events.size() - 1), events.toString());
        List<Map<String, Object>> progress = ds.stream().filter(d -> "progress".equals(d.get("event"))).toList();
        assertFalse(progress.isEmpty(), events.toString());
        assertTrue(progress.size() < 10, "10 ticks 120 ms apart must be throttled: " + events);
        for (int i = 1; i < progress.size(); i++) {
            Duration gap = Duration.between(Instant.parse((String) progress.get(i - 1).get("eventAt")),
                    Instant.parse((String) progress.get(i).get("eventAt")));
            assertTrue(gap.toMillis() >= 500, "progress deliveries at least 500 ms apart: " + gap);
        }
        for (Map<String, Object> d : ds) {
            String webhookId = (String) d.get("id");
            List<Integer> statuses = attempts(d).stream().map(a -> (Integer) a.get("status")).toList();
            assertEquals(List.of(500, 500, 204), statuses, webhookId);
            List<WebhookReceiver.Received> got = receiver.withId(webhookId);
            assertEquals(3, got.size(), "the same webhook-id on every retry: " + webhookId);
            for (WebhookReceiver.Received r : got) {
                assertTrue(r.signaturesValid(), "both secrets' signatures verify: " + r);
                assertEquals(2, r.signatures());
                assertTrue(Math.abs(r.timestamp() - r.receivedAtMillis() / 1000) <= 5, "a current timestamp");
            }
        }
        JsonPath completed = new JsonPath(receiver.withId((String) ds.get(ds.size() - 1).get("id")).get(2).body());
        assertEquals(id, completed.getString("id"));
        assertEquals("SUCCEEDED", completed.getString("status"));
        assertEquals("/v1/jobs/" + id + "/result", completed.getString("links.result"));
    }

    @Test
    void aRedirectIsRecordedAsAFailureAndNotFollowed() throws Exception {
        String id = submitWithWebhook(receiver.url("/redirect"), "[\"completed\"]", 10);
        List<Map<String, Object>> ds = awaitDeliveries(id, l -> l.size() == 1 && attempts(l.get(0)).size() >= 2);
        Map<String, Object> d = ds.get(0);
        assertEquals("PENDING", d.get("state"), "a redirect is a failed attempt, retried later");
        for (Map<String, Object> a : attempts(d)) {
            assertEquals(302, a.get("status"));
            assertEquals("redirect not followed", a.get("error"));
        }
        List<WebhookReceiver.Received> got = receiver.withId((String) d.get("id"));
        assertTrue(got.size() >= 2);
        assertTrue(got.stream().allMatch(r -> r.path().equals("/redirect")), "never sent to the Location: " + got);
    }

    @Test
    void redeliverSendsTheSameEventAgainWithTheSameId() throws Exception {
        String id = submitWithWebhook(receiver.url("/ok"), "[\"completed\"]", 10);
        awaitDeliveries(id, l -> completedIs(l, "DELIVERED"));
        Response r = as(TestEnv.ALICE_KEY).post("/v1/jobs/" + id + "/webhooks/redeliver");
        assertEquals(202, r.statusCode(), r.asString());
        List<Map<String, Object>> after = r.jsonPath().getList("deliveries");
        assertEquals(2, attempts(after.get(0)).size());
        assertEquals(2, receiver.withId((String) after.get(0).get("id")).size());
        // another caller's job is not found, its webhooks neither
        as(TestEnv.BOB_KEY).get("/v1/jobs/" + id + "/webhooks").then().statusCode(404);
    }

    @Test
    void aJobWithoutAWebhookCannotBeRedeliveredAndBadWebhooksAreRefused() {
        String plain = Jobs.submitted(TestEnv.ALICE_KEY, "{\"size\":64,\"iterations\":10}");
        as(TestEnv.ALICE_KEY).post("/v1/jobs/" + plain + "/webhooks/redeliver").then().statusCode(409);
        as(TestEnv.ALICE_KEY)
                .multiPart("content", "content.png", Jobs.CONTENT, "image/png")
                .multiPart("style", "style.png", Jobs.STYLE, "image/png")
                .multiPart("webhook", "{\"url\":\"" + receiver.url("/ok") + "\",\"events\":[\"finished\"]}")
                .when().post("/v1/jobs").then().statusCode(422)
                .body("field", org.hamcrest.Matchers.equalTo("webhook.events[0]"));
        as(TestEnv.ALICE_KEY)
                .multiPart("content", "content.png", Jobs.CONTENT, "image/png")
                .multiPart("style", "style.png", Jobs.STYLE, "image/png")
                .multiPart("webhook", "{\"url\":\"ftp://127.0.0.1/x\"}")
                .when().post("/v1/jobs").then().statusCode(422)
                .body("field", org.hamcrest.Matchers.equalTo("webhook.url"));
    }

    /** Not a timed assertion: prints the delivery latency (event time to receipt) of first attempts on loopback. */
    @Test
    void deliveryLatencyOnLoopback() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(submitWithWebhook(receiver.url("/ok"), "[\"start\",\"completed\"]", 10));
        }
        List<Long> latencies = new ArrayList<>();
        for (String id : ids) {
            for (Map<String, Object> d : awaitDeliveries(id, l -> completedIs(l, "DELIVERED"))) {
                long eventAt = Instant.parse((String) d.get("eventAt")).toEpochMilli();
                WebhookReceiver.Received first = receiver.withId((String) d.get("id")).get(0);
                latencies.add(first.receivedAtMillis() - eventAt);
            }
        }
        Collections.sort(latencies);
        assertEquals(20, latencies.size());
        long p50 = latencies.get(latencies.size() / 2);
        long p99 = latencies.get(latencies.size() - 1);
        System.out.printf("WEBHOOK_LATENCY_MS p50=%d p99=%d n=%d (event time to receipt, loopback)%n", p50, p99,
                latencies.size());
    }
}
