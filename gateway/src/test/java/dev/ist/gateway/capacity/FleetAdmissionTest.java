package dev.ist.gateway.capacity;

import dev.ist.common.capacity.WorkerCapacity;
import dev.ist.common.codec.JsonCodec;
import dev.ist.gateway.support.IstTestResource;
import dev.ist.gateway.support.Jobs;
import dev.ist.gateway.support.TestEnv;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.ist.gateway.support.Jobs.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Capacity admission with the real broker: worker classes advertised on the capacity topic (the records real workers
 * publish) decide the dry-run quote and the refusal of a job no class could fit; with no worker advertised the job is
 * admitted and the answer says the fleet is unknown.
 */
@QuarkusTest
@WithTestResource(IstTestResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetAdmissionTest {
    private static final long MIB = 1L << 20;
    /** 1024 px of the 4:3 test content (1024×768) with L-BFGS: needs ~1.2 GiB even with 128 px tiles. */
    private static final String FITS_ONLY_BIG = "{\"size\":1024,\"iterations\":10,\"optimizer\":\"LBFGS\"}";
    /** 2048×1536 with L-BFGS: ~1.6 GiB with the smallest tiles, more than either class has. */
    private static final String FITS_NONE = "{\"size\":2048,\"iterations\":10,\"optimizer\":\"LBFGS\"}";

    @Test
    @Order(1)
    void withNoWorkerAdvertisedAJobIsAdmittedAndTheAnswerSaysTheFleetIsUnknown() {
        dryRun(FITS_NONE).then().statusCode(200)
                .body("fleetKnown", equalTo(false))
                .body("fits", equalTo(true))
                .body("note", containsString("no worker has advertised"))
                .body("estimate.peakBytes", greaterThan(0L))
                .body("workerClasses.size()", equalTo(0));
        Jobs.submit(TestEnv.ALICE_KEY, FITS_NONE).then().statusCode(202)
                .body("capacity.fleetKnown", equalTo(false))
                .body("estimate.seconds", greaterThan(0f))
                .body("id", notNullValue());
    }

    @Test
    @Order(2)
    void advertisedClassesDecideTheQuoteAndTheRefusal() throws Exception {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            advertise(producer, "small-1", 1024 * MIB);
            advertise(producer, "big-1", 1536 * MIB);
            awaitClasses(2);

            int before = jobCount();
            Response quote = dryRun(FITS_ONLY_BIG);
            quote.then().statusCode(200)
                    .body("fleetKnown", equalTo(true))
                    .body("fits", equalTo(true))
                    .body("workerClasses[0].workerClass.memoryBudgetBytes", equalTo((int) (1024 * MIB)))
                    .body("workerClasses[0].fits", equalTo(false))
                    .body("workerClasses[0].estimate", nullValue())
                    .body("workerClasses[1].workerClass.memoryBudgetBytes", equalTo((int) (1536 * MIB)))
                    .body("workerClasses[1].fits", equalTo(true))
                    .body("workerClasses[1].workerClass.workers", equalTo(1))
                    // the estimate is the big class's: tiled to stay inside its 1.5 GiB
                    .body("estimate.peakBytes", lessThan((int) (1536 * MIB)))
                    .body("estimate.levels[0].tiles", greaterThan(1))
                    .body("estimate.levels[0].width", equalTo(1024))
                    .body("estimate.levels[0].height", equalTo(768));
            assertEquals(before, jobCount(), "a dry run queues nothing");

            Jobs.submit(TestEnv.ALICE_KEY, FITS_NONE).then().statusCode(422)
                    .contentType("application/problem+json")
                    .body("type", equalTo("urn:ist:problem:too-large-for-fleet"))
                    .body("largestFittingSize", greaterThan(1024))
                    .body("largestFittingSize", lessThan(2048));
            assertEquals(before, jobCount(), "a refused job is not queued");

            int largest = dryRun(FITS_NONE).then().statusCode(200).body("fits", equalTo(false))
                    .extract().path("largestFittingSize");
            dryRun("{\"size\":" + largest + ",\"iterations\":10,\"optimizer\":\"LBFGS\"}").then().statusCode(200)
                    .body("fits", equalTo(true));

            Jobs.submit(TestEnv.ALICE_KEY, FITS_ONLY_BIG).then().statusCode(202)
                    .body("capacity.fleetKnown", equalTo(true))
                    .body("estimate.peakBytes", lessThan((int) (1536 * MIB)))
                    .body("estimate.levels[0].tiles", greaterThan(1))
                    .body("status", equalTo("QUEUED"));
            assertEquals(before + 1, jobCount());

            // a worker that leaves writes its tombstone: its class disappears from the quotes
            producer.send(new ProducerRecord<>(TestEnv.workersTopic(), "big-1", null)).get(10, TimeUnit.SECONDS);
            awaitClasses(1);
            dryRun(FITS_ONLY_BIG).then().statusCode(200).body("fits", equalTo(false));
        } finally {
            try (KafkaProducer<String, byte[]> producer = producer()) {
                for (String id : List.of("small-1", "big-1")) {
                    producer.send(new ProducerRecord<>(TestEnv.workersTopic(), id, null)).get(10, TimeUnit.SECONDS);
                }
            }
            awaitClasses(0);
        }
    }

    private static Response dryRun(String options) {
        return as(TestEnv.ALICE_KEY)
                .multiPart("content", "content.png", Jobs.CONTENT, "image/png")
                .multiPart("style", "style.png", Jobs.STYLE, "image/png")
                .multiPart("options", options)
                .when().post("/v1/jobs?dryRun=true");
    }

    private static int jobCount() {
        return as(TestEnv.ALICE_KEY).get("/v1/jobs?size=1").then().statusCode(200).extract().path("total");
    }

    private static void advertise(KafkaProducer<String, byte[]> producer, String id, long budget) throws Exception {
        WorkerCapacity c = new WorkerCapacity(WorkerCapacity.SCHEMA_VERSION, id, "cpu", budget, 90_000, 0,
                Instant.now());
        producer.send(new ProducerRecord<>(TestEnv.workersTopic(), id, JsonCodec.shared().encode(c)))
                .get(10, TimeUnit.SECONDS);
    }

    /** Polls the dry run until the gateway has read this many classes. */
    private static void awaitClasses(int n) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int seen = -1;
        while (System.nanoTime() < end) {
            seen = dryRun("{\"size\":64}").then().statusCode(200).extract().path("workerClasses.size()");
            if (seen == n) {
                return;
            }
            Thread.sleep(200);
        }
        assertTrue(false, "the gateway shows " + seen + " worker classes, expected " + n);
    }

    private static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestEnv.kafka().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }
}
