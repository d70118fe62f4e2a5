package dev.ist.gateway.forked;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ist.common.Topics;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.EventType;
import dev.ist.common.storage.ImageStore;
import dev.ist.common.storage.StorageConfig;
import dev.ist.gateway.support.Multipart;
import dev.ist.gateway.support.WorkerStandIn;
import dev.ist.testkit.KafkaBroker;
import dev.ist.testkit.S3Server;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two gateway replicas (two packaged gateway processes, started together on one fresh database) on one broker and one
 * database: a job submitted through one is readable through the other at once; a cancel through one is seen by the
 * other; both list the same jobs; and one Idempotency-Key fired at both at the same moment, round after round, makes
 * one job: one job id in both answers, one of them marked as a replay, one request on the jobs topic, one QUEUED event
 * (and none written by a gateway on the events topic), one row.
 */
class TwoReplicasIT {

    private static final int SLOW_JOBS = 4;
    private static final int RACE_ROUNDS = 20;
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void twoReplicasOnOneDatabaseShowOneTruthAndMakeOneJobPerIdempotencyKey() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Topics topics = ForkedGateway.newTopics(run);
        String bucket = "fk-" + run;
        S3Server s3 = S3Server.shared();
        s3.createBucket(bucket);
        String db = ForkedGateway.newDatabase("replicas");
        Map<String, String> extra = Map.of(
                "ist.gateway.projector.consumer-group", "fk-projector-" + run,
                "ist.gateway.webhooks.consumer-group", "fk-webhooks-" + run);

        CompletableFuture<ForkedGateway> startA = CompletableFuture.supplyAsync(() -> start("replica-a", topics,
                bucket, db, extra));
        CompletableFuture<ForkedGateway> startB = CompletableFuture.supplyAsync(() -> start("replica-b", topics,
                bucket, db, extra));
        try (WorkerStandIn worker = new WorkerStandIn(KafkaBroker.shared().bootstrapServers(), topics,
                new ImageStore(StorageConfig.of(s3.endpoint(), s3.accessKey(), s3.secretKey(), bucket)));
             ForkedGateway a = startA.get(180, TimeUnit.SECONDS);
             ForkedGateway b = startB.get(180, TimeUnit.SECONDS)) {
            worker.start();

            // 1. a job submitted through either replica is there on the other as soon as the submit answered
            List<String> slow = new ArrayList<>();
            for (int i = 0; i < SLOW_JOBS; i++) {
                ForkedGateway via = i % 2 == 0 ? a : b;
                ForkedGateway other = via == a ? b : a;
                String id = ForkedApi.submitted(via.base, "{\"size\":64,\"iterations\":1000}");
                slow.add(id);
                assertEquals(id, ForkedApi.job(other.base, id).path("id").asText(),
                        "the other replica reads the job at once");
            }

            // 2. a cancel through A is seen by B, and one through B by A
            ForkedApi.awaitStatus(b.base, slow.get(0), "RUNNING", WAIT);
            assertEquals(202, ForkedApi.delete(a.base, "/v1/jobs/" + slow.get(0)).statusCode());
            JsonNode onB = ForkedApi.job(b.base, slow.get(0));
            // the request at once (or already its outcome, if the worker was that quick)
            assertTrue(onB.path("cancelRequested").asBoolean() || "CANCELLED".equals(onB.path("status").asText()),
                    "B sees the cancel request A took: " + onB);
            JsonNode cancelled = ForkedApi.awaitStatus(b.base, slow.get(0), "CANCELLED", WAIT);
            assertEquals("CANCELLED", cancelled.path("status").asText());
            for (String id : slow.subList(1, SLOW_JOBS)) {
                assertEquals(202, ForkedApi.delete(b.base, "/v1/jobs/" + id).statusCode());
            }
            for (String id : slow.subList(1, SLOW_JOBS)) {
                ForkedApi.awaitStatus(a.base, id, "CANCELLED", WAIT);
            }

            // 3. the same list from both (every job is finished: nothing moves between the two reads)
            assertEquals(listed(a), listed(b), "both replicas list the same jobs in the same states");
            Set<String> listedIds = new java.util.HashSet<>(listed(a).keySet());
            listedIds.remove("total");
            assertEquals(new java.util.HashSet<>(slow), listedIds, "the list holds exactly the jobs submitted");

            // 4. one Idempotency-Key fired at both replicas at once, round after round
            Set<String> raced = new LinkedHashSet<>();
            for (int round = 0; round < RACE_ROUNDS; round++) {
                String key = "race-" + run + "-" + round;
                Multipart body = ForkedApi.submitBody("{\"size\":64,\"iterations\":10,\"seed\":" + round + "}");
                CompletableFuture<HttpResponse<String>> toA = ForkedApi.submitAsync(a.base, body, key);
                CompletableFuture<HttpResponse<String>> toB = ForkedApi.submitAsync(b.base, body, key);
                HttpResponse<String> ra = toA.get(60, TimeUnit.SECONDS);
                HttpResponse<String> rb = toB.get(60, TimeUnit.SECONDS);
                assertEquals(202, ra.statusCode(), ra.body());
                assertEquals(202, rb.statusCode(), rb.body());
                String idA = ForkedApi.JSON.readTree(ra.body()).path("id").asText();
                String idB = ForkedApi.JSON.readTree(rb.body()).path("id").asText();
                assertEquals(idA, idB, "round " + round + ": one job id from both replicas");
                int fresh = (replayed(ra) ? 0 : 1) + (replayed(rb) ? 0 : 1);
                assertEquals(1, fresh, "round " + round + ": exactly one replica made the job, the other replayed "
                        + "it (A replayed: " + replayed(ra) + ", B replayed: " + replayed(rb) + ")");
                assertTrue(raced.add(idA), "a new key makes a new job");
            }

            Map<String, Integer> requests = new HashMap<>();
            for (ConsumerRecord<String, byte[]> r : ForkedApi.readAll(topics.jobLanes())) {
                requests.merge(JsonCodec.shared().decodeRequest(r.value()).jobId(), 1, Integer::sum);
            }
            for (ConsumerRecord<String, byte[]> r : ForkedApi.readAll(List.of(topics.events()))) {
                var e = JsonCodec.shared().decodeEvent(r.value());
                assertNotEquals("gateway", e.workerId(), "only workers write events; the gateway wrote " + e);
            }
            for (String id : raced) {
                assertEquals(1, requests.getOrDefault(id, 0), "one request of job " + id + " on the jobs topic");
            }
            assertEquals(SLOW_JOBS + RACE_ROUNDS, requests.size(), "no other request on the jobs topic");

            // one row per job: both replicas count exactly the jobs made, and list the raced ones
            for (ForkedGateway g : List.of(a, b)) {
                JsonNode page = ForkedApi.JSON.readTree(ForkedApi.get(g.base, "/v1/jobs?size=100").body());
                assertEquals(SLOW_JOBS + RACE_ROUNDS, page.path("total").asInt(), page.toString());
                Set<String> ids = new java.util.HashSet<>();
                page.path("items").forEach(j -> ids.add(j.path("id").asText()));
                assertEquals(SLOW_JOBS + RACE_ROUNDS, ids.size(), "no job listed twice");
                assertTrue(ids.containsAll(raced) && ids.containsAll(slow), "every job listed on " + g.base);
            }
        }
    }

    private static ForkedGateway start(String name, Topics topics, String bucket, String db,
                                       Map<String, String> extra) {
        try {
            return ForkedGateway.start(name, topics, bucket, "256m", db, extra);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean replayed(HttpResponse<String> r) {
        return r.headers().firstValue("Idempotent-Replayed").map("true"::equals).orElse(false);
    }

    /** GET /v1/jobs: each listed job's id, status, last seq and cancel flag, in list order. */
    private static Map<String, String> listed(ForkedGateway g) throws Exception {
        JsonNode page = ForkedApi.JSON.readTree(ForkedApi.get(g.base, "/v1/jobs?size=100").body());
        Map<String, String> jobs = new java.util.LinkedHashMap<>();
        for (JsonNode j : page.path("items")) {
            jobs.put(j.path("id").asText(), j.path("status").asText() + " seq " + j.path("lastSeq").asLong()
                    + " cancelRequested " + j.path("cancelRequested").asBoolean());
        }
        jobs.put("total", page.path("total").asText());
        return jobs;
    }
}
