package dev.ist.gateway;

import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.JobEvent;
import dev.ist.common.event.Losses;
import dev.ist.common.event.Progress;
import dev.ist.gateway.support.IstTestResource;
import dev.ist.gateway.support.Jobs;
import dev.ist.gateway.support.TestEnv;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.ist.gateway.support.Jobs.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The job database goes away and comes back (a real PostgreSQL server, stopped and started on its data): meanwhile
 * requests that need it get 503 with Retry-After and a problem naming the database, the gateway stays live but not
 * ready, and afterwards the projector catches up from its stored offsets, so the rows show what happened on Kafka
 * during the outage.
 */
@QuarkusTest
@TestProfile(DatabaseOutageTest.OwnDatabase.class)
class DatabaseOutageTest {

    public static class OwnDatabase implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(IstTestResource.class,
                    Map.of(IstTestResource.PRIVATE_DATABASE, "true")));
        }
    }

    @Test
    void whileTheDatabaseIsDownRequestsGet503AndReadinessFailsThenTheProjectorCatchesUp() throws Exception {
        // the stand-in leaves this key's jobs queued: the "worker" below is the test itself
        String id = Jobs.submitted(TestEnv.QUEUED_KEY, "{\"size\":64,\"iterations\":100}");
        given().get("/q/health/ready").then().statusCode(200);

        TestEnv.privateDatabase().stop();
        try {
            as(TestEnv.QUEUED_KEY).get("/v1/jobs/" + id).then().statusCode(503)
                    .header("Retry-After", notNullValue())
                    .contentType("application/problem+json")
                    .body("type", equalTo("urn:ist:problem:database-unavailable"))
                    .body("dependency", equalTo("database"));
            given().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'job-store' }.status", equalTo("DOWN"))
                    .body("checks.find { it.name == 'job-store' }.data.database", equalTo("down"));
            given().get("/q/health/live").then().statusCode(200);
            // a worker runs and finishes the job while the database is away: the records wait on Kafka
            runToTheEnd(id);
        } finally {
            TestEnv.privateDatabase().startAgain();
        }

        Response done = Jobs.awaitStatus(TestEnv.QUEUED_KEY, id, "SUCCEEDED", Duration.ofSeconds(90));
        assertEquals(3, (int) done.path("lastSeq"));
        assertEquals("outage-worker", done.path("workerId"));
        given().get("/q/health/ready").then().statusCode(200);
        as(TestEnv.QUEUED_KEY).get("/v1/jobs").then().statusCode(200).body("items.id", hasItem(id));
    }

    private static void runToTheEnd(String id) throws Exception {
        JsonCodec codec = JsonCodec.shared();
        Instant t = Instant.now();
        Progress p = new Progress(100, 100, 0, 1, 64, 48, new Losses(1, 2, 0, 3), 900, null);
        try (KafkaProducer<String, byte[]> producer = TestEnv.kafka().newProducer()) {
            for (JobEvent e : List.of(
                    JobEvent.running(id, 1, t, "outage-worker", Map.of("queueWait", 5L)),
                    JobEvent.progress(id, 2, t.plusMillis(10), "outage-worker", p),
                    JobEvent.succeeded(id, 3, t.plusMillis(20), "outage-worker", p, "jobs/" + id + "/result.png", null,
                            Map.of("total", 20L)))) {
                producer.send(new ProducerRecord<>(TestEnv.topics().events(), id, codec.encode(e))).get();
            }
        }
    }
}
