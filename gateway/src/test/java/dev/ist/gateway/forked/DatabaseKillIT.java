package dev.ist.gateway.forked;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ist.common.Topics;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.EventType;
import dev.ist.common.event.JobEvent;
import dev.ist.common.storage.ImageStore;
import dev.ist.common.storage.StorageConfig;
import dev.ist.gateway.support.SseClient;
import dev.ist.gateway.support.WorkerStandIn;
import dev.ist.testkit.KafkaBroker;
import dev.ist.testkit.PostgresServer;
import dev.ist.testkit.S3Server;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job database is killed with kill -9 (postmaster and backends, nothing flushed) while jobs run, and started again
 * on the same data directory. The jobs are driven by the worker stand-in (it reads the real jobs topic and publishes
 * real events and result objects); they all end while the database is down. The packaged gateway process answers 503
 * meanwhile and stays alive; once PostgreSQL has recovered, every job's row catches up: GET /v1/jobs/{id} shows its
 * true terminal state (SUCCEEDED with its result, or CANCELLED for the job cancelled before the kill), its last seq is
 * the one on the topic, and its stored history holds each event once (every lifecycle event, one terminal event).
 */
class DatabaseKillIT {

    private static final int JOBS = 8;

    @Test
    void jobsFinishWhileTheDatabaseIsKilledAndTheirRowsCatchUpAfterItsRestart() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Topics topics = ForkedGateway.newTopics(run);
        String bucket = "fk-" + run;
        S3Server s3 = S3Server.shared();
        s3.createBucket(bucket);
        Map<String, String> extra = Map.of(
                "ist.gateway.projector.consumer-group", "fk-projector-" + run,
                "ist.gateway.webhooks.consumer-group", "fk-webhooks-" + run);

        try (PostgresServer pg = PostgresServer.start();
             WorkerStandIn worker = new WorkerStandIn(KafkaBroker.shared().bootstrapServers(), topics,
                     new ImageStore(StorageConfig.of(s3.endpoint(), s3.accessKey(), s3.secretKey(), bucket)));
             ForkedGateway g = ForkedGateway.start("dbkill", topics, bucket, "256m",
                     pg.jdbcUrl(pg.newDatabase("fk_dbkill")), extra)) {
            worker.start();

            // a slow job, cancelled just before the kill: its CANCELLED comes during the outage
            String slow = ForkedApi.submitted(g.base, "{\"size\":64,\"iterations\":1000}");
            List<String> jobs = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                // 10 progress ticks of 120 ms each; the stand-in runs 4 at a time, so the later ones are still to come
                jobs.add(ForkedApi.submitted(g.base, "{\"size\":64,\"iterations\":100,\"seed\":" + i + "}"));
            }
            assertEquals(202, ForkedApi.delete(g.base, "/v1/jobs/" + slow).statusCode());
            long pid = pg.pid();
            pg.kill();
            assertTrue(ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), "the postmaster is dead");
            List<String> all = new ArrayList<>(jobs);
            all.add(slow);
            Map<String, List<JobEvent>> atKill = eventsOnTopic(topics, all);
            assertTrue(jobs.stream().anyMatch(id -> atKill.get(id).stream().noneMatch(JobEvent::isTerminal)),
                    "some jobs were still running when the database was killed");

            // the jobs go on and end without the database; the gateway answers 503 and stays alive
            Map<String, List<JobEvent>> onTopic = awaitAllTerminalOnTopic(topics, all);
            HttpResponse<String> during = ForkedApi.get(g.base, "/v1/jobs/" + jobs.get(JOBS - 1));
            assertEquals(503, during.statusCode(), during.body());
            assertEquals(200, ForkedApi.get(g.base, "/q/health/live").statusCode());
            assertTrue(g.alive(), "the gateway survived the database's death");

            pg.startAgain();

            for (String id : all) {
                List<JobEvent> events = onTopic.get(id);
                JobEvent terminal = events.stream().filter(JobEvent::isTerminal).findFirst().orElseThrow();
                String expected = id.equals(slow) ? "CANCELLED" : "SUCCEEDED";
                assertEquals(expected, terminal.type().name(), "the stand-in ended job " + id + " as expected");
                JsonNode job = ForkedApi.awaitStatus(g.base, id, expected, Duration.ofSeconds(120));
                assertEquals(terminal.seq(), job.path("lastSeq").asLong(), "job " + id + "'s row has its last seq");
                // the store's history of the job (a finished job keeps its lifecycle events and its last progress
                // tick): each seq once, in order, each one of the topic's, no lifecycle event missing, the terminal
                // event once and last
                SseClient.Stream stored = SseClient.read(g.base.resolve("/v1/jobs/" + id + "/events"),
                        ForkedGateway.KEY, null, Duration.ofSeconds(60));
                List<Long> storedSeqs = stored.events().stream().map(r -> r.event().seq()).toList();
                // plus seq 0: the QUEUED event the gateway stored with the row (only workers write to the topic)
                List<Long> topicSeqs = java.util.stream.Stream.concat(java.util.stream.Stream.of(0L),
                        events.stream().map(JobEvent::seq)).distinct().sorted().toList();
                List<Long> lifecycle = events.stream().filter(e -> e.type() != EventType.PROGRESS)
                        .map(JobEvent::seq).distinct().sorted().toList();
                assertEquals(storedSeqs.stream().distinct().sorted().toList(), storedSeqs,
                        "job " + id + ": stored events once each, in seq order: " + storedSeqs);
                assertTrue(topicSeqs.containsAll(storedSeqs), "job " + id + ": stored " + storedSeqs
                        + ", on the topic " + topicSeqs);
                assertTrue(storedSeqs.containsAll(lifecycle), "job " + id + ": stored " + storedSeqs
                        + " lacks lifecycle events of " + lifecycle);
                assertEquals(1, stored.events().stream().filter(r -> r.event().isTerminal()).count());
                assertEquals(terminal.seq(), storedSeqs.get(storedSeqs.size() - 1));
                if (!id.equals(slow)) {
                    assertArrayEquals(WorkerStandIn.resultImage(), result(g, id), "job " + id + "'s result");
                }
            }
            JsonNode page = ForkedApi.JSON.readTree(ForkedApi.get(g.base, "/v1/jobs?size=100").body());
            assertEquals(JOBS + 1, page.path("total").asInt(), "one row per job: " + page);
            Set<String> listed = new HashSet<>();
            page.path("items").forEach(j -> listed.add(j.path("id").asText()));
            assertEquals(new HashSet<>(all), listed);
            assertEquals(JOBS, ForkedApi.JSON.readTree(ForkedApi.get(g.base, "/v1/jobs?size=1&status=SUCCEEDED")
                    .body()).path("total").asInt());
            assertEquals(200, ForkedApi.get(g.base, "/q/health/ready").statusCode());
        }
    }

    /** GET /v1/jobs/{id}/result, following its redirect to the object if it answers with one. */
    private static byte[] result(ForkedGateway g, String id) throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(g.base.resolve("/v1/jobs/" + id + "/result"))
                .header("X-Api-Key", ForkedGateway.KEY).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), "result of " + id + ": " + new String(r.body()));
        return r.body();
    }

    /** The events of {@code ids} on the events topic now, in topic order. */
    private static Map<String, List<JobEvent>> eventsOnTopic(Topics topics, List<String> ids) throws Exception {
        Map<String, List<JobEvent>> byJob = new TreeMap<>();
        ids.forEach(id -> byJob.put(id, new ArrayList<>()));
        for (ConsumerRecord<String, byte[]> r : ForkedApi.readAll(List.of(topics.events()))) {
            JobEvent e = JsonCodec.shared().decodeEvent(r.value());
            if (byJob.containsKey(e.jobId())) {
                byJob.get(e.jobId()).add(e);
            }
        }
        return byJob;
    }

    private static Map<String, List<JobEvent>> awaitAllTerminalOnTopic(Topics topics, List<String> ids)
            throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            Map<String, List<JobEvent>> now = eventsOnTopic(topics, ids);
            Map<String, Integer> open = new HashMap<>();
            now.forEach((id, events) -> {
                if (events.stream().noneMatch(JobEvent::isTerminal)) {
                    open.put(id, events.size());
                }
            });
            if (open.isEmpty()) {
                return now;
            }
            if (System.nanoTime() > until) {
                throw new AssertionError("jobs without a terminal event on the topic after 120 s: " + open);
            }
            Thread.sleep(200);
        }
    }
}
