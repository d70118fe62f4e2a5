package dev.ist.gateway;

import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.ControlMessage;
import dev.ist.common.event.EventType;
import dev.ist.common.storage.CancelMarker;
import dev.ist.common.storage.ImageStore;
import dev.ist.gateway.support.IstTestResource;
import dev.ist.gateway.support.Jobs;
import dev.ist.gateway.support.SseClient;
import dev.ist.gateway.support.TestEnv;
import dev.ist.gateway.support.WorkerStandIn;
import dev.ist.testkit.TestImages;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static dev.ist.gateway.support.Jobs.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The job API end to end: real HTTP, real Kafka topics, real S3, and a worker stand-in on the other side. */
@QuarkusTest
@WithTestResource(IstTestResource.class)
class JobApiTest {

    private static final String QUICK = "{\"size\":64,\"iterations\":50}";

    @TestHTTPResource("/")
    URI base;

    @Test
    void submittedJobStreamsQueuedRunningProgressAndSucceededThenServesItsResult() throws Exception {
        Response accepted = Jobs.submit(TestEnv.ALICE_KEY, QUICK);
        accepted.then().statusCode(202)
                .body("status", equalTo("QUEUED"))
                .body("links.events", endsWith("/events"));
        String id = accepted.path("id");
        assertTrue(accepted.header("Location").endsWith("/v1/jobs/" + id), accepted.header("Location"));

        SseClient.Stream stream = SseClient.read(base.resolve("/v1/jobs/" + id + "/events"), TestEnv.ALICE_KEY, null,
                Duration.ofSeconds(30));

        assertEquals(200, stream.status());
        assertTrue(stream.contentType().startsWith("text/event-stream"), stream.contentType());
        List<EventType> types = stream.events().stream().map(r -> r.event().type()).toList();
        assertEquals(EventType.QUEUED, types.get(0), types.toString());
        assertEquals(EventType.RUNNING, types.get(1), types.toString());
        assertEquals(EventType.SUCCEEDED, types.get(types.size() - 1), types.toString());
        assertEquals(5, types.stream().filter(t -> t == EventType.PROGRESS).count(), types.toString());
        for (SseClient.Received r : stream.events()) {
            assertEquals(Long.toString(r.event().seq()), r.id(), "the SSE id is the event's seq");
            assertEquals(id, r.event().jobId());
        }

        Response status = as(TestEnv.ALICE_KEY).get("/v1/jobs/" + id);
        status.then().statusCode(200)
                .body("status", equalTo("SUCCEEDED"))
                .body("progress.iteration", equalTo(50))
                .body("losses.total", notNullValue())
                .body("timingsMs.total", notNullValue())
                .body("workerId", equalTo(WorkerStandIn.WORKER_ID))
                .body("links.result", equalTo("/v1/jobs/" + id + "/result"))
                .body("links.preview", equalTo("/v1/jobs/" + id + "/preview"))
                .body("links.cancel", nullValue());

        byte[] streamed = as(TestEnv.ALICE_KEY).queryParam("download", "stream").get("/v1/jobs/" + id + "/result")
                .then().statusCode(200).contentType("image/png")
                .header("Content-Disposition", containsString("ist-" + id + ".png"))
                .extract().asByteArray();
        assertArrayEquals(WorkerStandIn.resultImage(), streamed);

        // the default answer is a redirect to a presigned URL that works without credentials
        Response redirect = as(TestEnv.ALICE_KEY).redirects().follow(false).get("/v1/jobs/" + id + "/result");
        redirect.then().statusCode(303).header("Location", containsString("X-Amz-Signature"));
        HttpResponse<byte[]> presigned = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(redirect.header("Location"))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, presigned.statusCode());
        assertArrayEquals(WorkerStandIn.resultImage(), presigned.body());

        byte[] preview = as(TestEnv.ALICE_KEY).queryParam("download", "stream").get("/v1/jobs/" + id + "/preview")
                .then().statusCode(200).contentType("image/jpeg").extract().asByteArray();
        BufferedImage img = TestImages.decode(preview);
        assertEquals(48, img.getWidth());
    }

    @Test
    void aResultTheJanitorExpiredAnswersGoneSayingTheDataWasRemoved() throws Exception {
        String id = Jobs.submitted(TestEnv.ALICE_KEY, QUICK);
        Jobs.awaitStatus(TestEnv.ALICE_KEY, id, "SUCCEEDED", Duration.ofSeconds(30));
        as(TestEnv.ALICE_KEY).queryParam("download", "stream").get("/v1/jobs/" + id + "/result").then().statusCode(200);
        as(TestEnv.ALICE_KEY).get("/v1/jobs/" + id).then().body("dataRemoved", org.hamcrest.Matchers.nullValue());
        try (ImageStore store = TestEnv.newStore()) { // what the worker's storage janitor writes after retention
            store.put(dev.ist.common.ObjectKeys.expired(id), "{}".getBytes(), "application/json");
        }
        for (String mode : List.of("stream", "redirect")) {
            as(TestEnv.ALICE_KEY).redirects().follow(false).queryParam("download", mode)
                    .get("/v1/jobs/" + id + "/result").then().statusCode(410)
                    .body("type", equalTo("urn:ist:problem:data-removed"))
                    .body("dataRemoved", equalTo(true));
        }
        as(TestEnv.ALICE_KEY).redirects().follow(false).get("/v1/jobs/" + id + "/preview").then().statusCode(410);
        as(TestEnv.ALICE_KEY).get("/v1/jobs/" + id).then().statusCode(200).body("dataRemoved", equalTo(true))
                .body("status", equalTo("SUCCEEDED"));
    }

    @Test
    void reconnectingWithLastEventIdReplaysOnlyTheMissedEvents() throws Exception {
        String id = Jobs.submitted(TestEnv.ALICE_KEY, QUICK);
        Jobs.awaitStatus(TestEnv.ALICE_KEY, id, "SUCCEEDED", Duration.ofSeconds(30));
        SseClient.Stream all = SseClient.read(base.resolve("/v1/jobs/" + id + "/events"), TestEnv.ALICE_KEY, null,
                Duration.ofSeconds(10));
        long last = all.events().get(all.events().size() - 1).event().seq();

        SseClient.Stream resumed = SseClient.read(base.resolve("/v1/jobs/" + id + "/events"), TestEnv.ALICE_KEY, "2",
                Duration.ofSeconds(10));

        assertEquals(200, resumed.status());
        List<Long> seqs = resumed.events().stream().map(r -> r.event().seq()).toList();
        // a finished job keeps a summary (lifecycle events, the last ticks): the resumed stream is exactly what the
        // full stream had after seq 2, ending with the terminal event
        List<Long> expected = all.events().stream().map(r -> r.event().seq()).filter(s -> s > 2).toList();
        assertEquals(expected, seqs);
        assertEquals(last, seqs.get(seqs.size() - 1));

        // nothing left to replay after the terminal event: 204 tells EventSource clients to stop reconnecting
        SseClient.Stream done = SseClient.read(base.resolve("/v1/jobs/" + id + "/events"), TestEnv.ALICE_KEY,
                Long.toString(last), Duration.ofSeconds(10));
        assertEquals(204, done.status());
    }

    @Test
    void liveStreamOfARunningJobCarriesHeartbeatsAndEndsWithTheCancellation() throws Exception {
        String id = Jobs.submitted(TestEnv.ALICE_KEY, "{\"size\":64,\"iterations\":1000}");
        Jobs.awaitStatus(TestEnv.ALICE_KEY, id, "RUNNING", Duration.ofSeconds(30));
        var streaming = new Thread[1];
        var result = new SseClient.Stream[1];
        var error = new Exception[1];
        streaming[0] = new Thread(() -> {
            try {
                result[0] = SseClient.read(base.resolve("/v1/jobs/" + id + "/events"), TestEnv.ALICE_KEY, null,
                        Duration.ofSeconds(30));
            } catch (Exception e) {
                error[0] = e;
            }
        });
        streaming[0].start();
        Thread.sleep(2500); // the test gateway beats every second

        as(TestEnv.ALICE_KEY).delete("/v1/jobs/" + id).then().statusCode(202)
                .body("cancelRequested", is(true));
        streaming[0].join(30_000);

        if (error[0] != null) {
            throw error[0];
        }
        List<EventType> types = result[0].events().stream().map(r -> r.event().type()).toList();
        assertEquals(EventType.CANCELLED, types.get(types.size() - 1), types.toString());
        assertTrue(result[0].comments() >= 2, "heartbeat comments: " + result[0].comments());
    }

    @Test
    void cancelPublishesAControlMessageAndIsIdempotent() throws Exception {
        String id = Jobs.submitted(TestEnv.ALICE_KEY, "{\"size\":64,\"iterations\":1000}");
        Jobs.awaitStatus(TestEnv.ALICE_KEY, id, "RUNNING", Duration.ofSeconds(30));

        as(TestEnv.ALICE_KEY).delete("/v1/jobs/" + id).then().statusCode(202)
                .body("id", equalTo(id)).body("cancelRequested", is(true));

        ControlMessage published = findControlMessage(id);
        assertEquals(ControlMessage.Action.CANCEL, published.action());
        assertEquals("alice", published.requestedBy());
        // and durably, in the job's prefix: a worker reaching the job after the control topic's memory still skips it
        try (ImageStore store = TestEnv.newStore()) {
            CancelMarker.Cancellation marker = new CancelMarker(store, Clock.systemUTC()).read(id).orElseThrow();
            assertEquals("alice", marker.requestedBy());
        }

        Jobs.awaitStatus(TestEnv.ALICE_KEY, id, "CANCELLED", Duration.ofSeconds(30));
        // cancelling a finished job again is harmless and says what the job is
        as(TestEnv.ALICE_KEY).delete("/v1/jobs/" + id).then().statusCode(200).body("status", equalTo("CANCELLED"));
        // another caller cannot see, let alone cancel, the job
        as(TestEnv.BOB_KEY).delete("/v1/jobs/" + id).then().statusCode(404);
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyReturnsTheSameJobAndPublishesNothingNew() throws Exception {
        String key = "retry-" + UUID.randomUUID();
        Response first = as(TestEnv.ALICE_KEY).header("Idempotency-Key", key)
                .multiPart("content", "c.png", Jobs.CONTENT, "image/png")
                .multiPart("style", "s.png", Jobs.STYLE, "image/png")
                .multiPart("options", QUICK).post("/v1/jobs");
        first.then().statusCode(202);
        Response second = as(TestEnv.ALICE_KEY).header("Idempotency-Key", key)
                .multiPart("content", "c.png", Jobs.CONTENT, "image/png")
                .multiPart("style", "s.png", Jobs.STYLE, "image/png")
                .multiPart("options", QUICK).post("/v1/jobs");
        second.then().statusCode(202).header("Idempotent-Replayed", "true");
        assertEquals(first.<String>path("id"), second.<String>path("id"));

        // the same key from another caller is another job
        String bobs = as(TestEnv.BOB_KEY).header("Idempotency-Key", key)
                .multiPart("content", "c.png", Jobs.CONTENT, "image/png")
                .multiPart("style", "s.png", Jobs.STYLE, "image/png")
                .multiPart("options", QUICK).post("/v1/jobs").then().statusCode(202).extract().path("id");
        assertNotEquals(first.<String>path("id"), bobs);

        assertEquals(1, countRequests(first.path("id")), "one request on the jobs topic");
    }

    @Test
    void imagesUploadedOnceCanBeReferencedByAJsonJob() {
        byte[] content = TestImages.noisePng(20, 20, 7);
        String contentId = as(TestEnv.ALICE_KEY).contentType("image/png").body(content).post("/v1/images")
                .then().statusCode(201).body("mediaType", equalTo("image/png")).body("width", equalTo(20))
                .extract().path("id");
        as(TestEnv.ALICE_KEY).contentType("application/octet-stream").body(content).post("/v1/images")
                .then().statusCode(201).body("id", equalTo(contentId)).body("created", is(false));
        String styleId = as(TestEnv.ALICE_KEY).multiPart("image", "s.jpg", TestImages.gradientJpeg(16, 16),
                "image/jpeg").post("/v1/images").then().statusCode(201).extract().path("id");

        String json = "{\"content\":{\"sha256\":\"" + contentId + "\"},\"styles\":[{\"image\":{\"sha256\":\""
                + styleId + "\"},\"weight\":2.5}],\"options\":" + QUICK + "}";
        as(TestEnv.ALICE_KEY).contentType("application/json").body(json).post("/v1/jobs")
                .then().statusCode(202)
                .body("content", equalTo(contentId))
                .body("styles[0].image.sha256", equalTo(styleId))
                .body("styles[0].weight", equalTo(2.5f))
                .body("options.size", equalTo(64));

        String unknown = "0".repeat(64);
        as(TestEnv.ALICE_KEY).contentType("application/json")
                .body("{\"content\":{\"sha256\":\"" + unknown + "\"},\"styles\":[{\"image\":{\"sha256\":\""
                        + styleId + "\"}}]}")
                .post("/v1/jobs").then().statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:ist:problem:unknown-image"))
                .body("errors[0].field", equalTo("content.sha256"));
    }

    @Test
    void listingShowsOnlyTheCallersJobsNewestFirstAndFiltersByStatus() throws Exception {
        String a1 = Jobs.submitted(TestEnv.BOB_KEY, QUICK);
        Jobs.awaitStatus(TestEnv.BOB_KEY, a1, "SUCCEEDED", Duration.ofSeconds(30));
        String a2 = Jobs.submitted(TestEnv.BOB_KEY, "{\"size\":64,\"iterations\":1000}");

        Response page = as(TestEnv.BOB_KEY).queryParam("size", 1).get("/v1/jobs");
        page.then().statusCode(200).body("items.size()", equalTo(1)).body("items[0].id", equalTo(a2))
                .body("links.next", containsString("cursor="));
        // the next page by cursor, and (deprecated) by page number, both show the older job
        as(TestEnv.BOB_KEY).queryParam("size", 1).queryParam("cursor", page.path("nextCursor").toString())
                .get("/v1/jobs").then().statusCode(200).body("items[0].id", equalTo(a1));
        as(TestEnv.BOB_KEY).queryParam("size", 1).queryParam("page", 1).get("/v1/jobs").then().statusCode(200)
                .body("items[0].id", equalTo(a1)).body("links.self", containsString("page=1"));
        as(TestEnv.BOB_KEY).queryParam("cursor", "not-a-cursor").get("/v1/jobs").then().statusCode(400)
                .body("field", equalTo("cursor"));
        as(TestEnv.BOB_KEY).queryParam("status", "succeeded").get("/v1/jobs").then().statusCode(200)
                .body("items.id", org.hamcrest.Matchers.hasItem(a1))
                .body("items.id", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem(a2)));
        as(TestEnv.ALICE_KEY).get("/v1/jobs").then().statusCode(200)
                .body("items.id", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem(a1)));
        as(TestEnv.ALICE_KEY).get("/v1/jobs/" + a1).then().statusCode(404);
        as(TestEnv.BOB_KEY).queryParam("status", "bogus").get("/v1/jobs").then().statusCode(400)
                .body("field", equalTo("status"));
        as(TestEnv.BOB_KEY).delete("/v1/jobs/" + a2).then().statusCode(202);
    }

    @Test
    void aClientThatGoesAwayIsNoticedAndNoLongerCounted() throws Exception {
        String id = Jobs.submitted(TestEnv.ALICE_KEY, "{\"size\":64,\"iterations\":1000}");
        Jobs.awaitStatus(TestEnv.ALICE_KEY, id, "RUNNING", Duration.ofSeconds(30));
        HttpResponse<java.io.InputStream> open = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(base.resolve("/v1/jobs/" + id + "/events"))
                        .header("X-Api-Key", TestEnv.ALICE_KEY).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, open.statusCode());
        assertTrue(open.body().read(new byte[64]) > 0, "the stream started");
        awaitSseClients(1);

        open.body().close(); // the client goes away without a word
        awaitSseClients(0);
        as(TestEnv.ALICE_KEY).delete("/v1/jobs/" + id).then().statusCode(202);
    }

    private static void awaitSseClients(int expected) throws InterruptedException {
        java.util.regex.Pattern gauge = java.util.regex.Pattern.compile("(?m)^ist_gateway_sse_clients(\\{[^}]*\\})? (\\S+)$");
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        double value = Double.NaN;
        while (System.nanoTime() < deadline) {
            java.util.regex.Matcher m = gauge.matcher(io.restassured.RestAssured.get("/q/metrics").asString());
            if (m.find()) {
                value = Double.parseDouble(m.group(2));
                if (value == expected) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("ist_gateway_sse_clients stayed at " + value + ", expected " + expected);
    }

    private static ControlMessage findControlMessage(String jobId) throws Exception {
        try (KafkaConsumer<String, byte[]> c = TestEnv.kafka().newConsumer("control-check-" + UUID.randomUUID())) {
            c.subscribe(List.of(TestEnv.topics().control()));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (jobId.equals(r.key())) {
                        return JsonCodec.shared().decodeControl(r.value());
                    }
                }
            }
        }
        throw new AssertionError("no control message for " + jobId);
    }

    private static int countRequests(String jobId) {
        int n = 0;
        try (KafkaConsumer<String, byte[]> c = TestEnv.kafka().newConsumer("jobs-check-" + UUID.randomUUID())) {
            c.subscribe(List.of(TestEnv.topics().jobs()));
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            int idle = 0;
            while (System.nanoTime() < deadline && idle < 5) {
                var records = c.poll(Duration.ofMillis(300));
                idle = records.isEmpty() && !c.assignment().isEmpty() ? idle + 1 : 0;
                for (ConsumerRecord<String, byte[]> r : records) {
                    if (jobId.equals(r.key())) {
                        n++;
                    }
                }
            }
        }
        return n;
    }
}
