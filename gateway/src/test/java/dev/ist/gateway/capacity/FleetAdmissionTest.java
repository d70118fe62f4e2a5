package dev.ist.gateway.capacity;

import dev.ist.common.capacity.WorkerCapacity;
import dev.ist.common.job.Precision;
import dev.ist.gateway.support.IstTestResource;
import dev.ist.gateway.support.FleetAdverts;
import dev.ist.gateway.support.Jobs;
import dev.ist.gateway.support.TestEnv;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Instant;
import java.util.Map;


import static dev.ist.gateway.support.Jobs.as;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
        try (FleetAdverts fleet = new FleetAdverts(TestEnv.ALICE_KEY)) {
            fleet.cpuWorker("small-1", 1024 * MIB).cpuWorker("big-1", 1536 * MIB).awaitClasses(2);

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
                    // admitted: the test's stand-in worker may already have started it when the 202 is written
                    .body("status", anyOf(equalTo("QUEUED"), equalTo("RUNNING")));
            assertEquals(before + 1, jobCount());

            // a worker that leaves writes its tombstone: its class disappears from the quotes
            fleet.leave("big-1").awaitClasses(1);
            dryRun(FITS_ONLY_BIG).then().statusCode(200).body("fits", equalTo(false));
        }
    }

    @Test
    @Order(3)
    void aJobIsQuotedWithTheSpeedOfThePrecisionItWillRunIn() throws Exception {
        // a worker whose calibration chose bf16, 2.5x fp32's speed on its CPU
        WorkerCapacity bf16Worker = new WorkerCapacity(WorkerCapacity.SCHEMA_VERSION, "bf16-1", "cpu", 1536 * MIB,
                100_000, 0, Instant.now(), null, Precision.BF16,
                Map.of(Precision.FP32, 40_000.0, Precision.BF16, 100_000.0));
        try (FleetAdverts fleet = new FleetAdverts(TestEnv.ALICE_KEY)) {
            fleet.advertise(bf16Worker).awaitClasses(1);

            dryRun("{\"size\":256,\"iterations\":50}").then().statusCode(200)
                    .body("workerClasses[0].workerClass.pixelsPerSecondByPrecision.BF16", equalTo(100_000f));
            float unnamed = seconds("{\"size\":256,\"iterations\":50}");
            float bf16 = seconds("{\"size\":256,\"iterations\":50,\"precision\":\"BF16\"}");
            float fp32 = seconds("{\"size\":256,\"iterations\":50,\"precision\":\"FP32\"}");
            float auto = seconds("{\"size\":256,\"iterations\":50,\"precision\":\"AUTO\"}");

            assertEquals(bf16, unnamed, 1e-3, "a job naming no precision runs in the worker's choice");
            assertEquals(bf16, auto, 1e-3);
            assertEquals(2.5, fp32 / bf16, 0.05, "forcing fp32 on this worker takes fp32's time");
        }
    }

    private static float seconds(String options) {
        return dryRun(options).then().statusCode(200).extract().path("estimate.seconds");
    }

    private static Response dryRun(String options) {
        return Jobs.dryRun(TestEnv.ALICE_KEY, options);
    }

    private static int jobCount() {
        return as(TestEnv.ALICE_KEY).get("/v1/jobs?size=1").then().statusCode(200).extract().path("total");
    }
}
