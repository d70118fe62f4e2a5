package dev.ist.gateway.capacity;

import dev.ist.common.Topics;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.JobEvent;
import dev.ist.common.job.JobRequest;
import dev.ist.gateway.support.IstTestResource;
import dev.ist.gateway.support.FleetAdverts;
import dev.ist.gateway.support.Jobs;
import dev.ist.gateway.support.TestEnv;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.ist.gateway.support.Jobs.as;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Routing by pool with the real broker: two pools advertised on the capacity topic (the default pool with a small
 * budget, pool {@code large} with a big one). A job only the large pool fits is published to that pool's topic and
 * to none of the default pool's; a job both fit stays in the default pool; the dry run and the 202 name the pool; a
 * queued job's position counts only the jobs of its own pool. No worker reads pool {@code large} here, so its jobs
 * stay queued (the test ends them itself, as that pool's worker would).
 */
@QuarkusTest
@WithTestResource(IstTestResource.class)
class PoolRoutingAdmissionTest {
    private static final long MIB = 1L << 20;
    /** 1024 px of the 4:3 test content with L-BFGS: ~1.2 GiB even tiled (see FleetAdmissionTest). */
    private static final String FITS_ONLY_LARGE = "{\"size\":1024,\"iterations\":10,\"optimizer\":\"LBFGS\"}";
    private static final String FITS_BOTH = "{\"size\":64,\"iterations\":10}";

    @Test
    void aJobOnlyTheLargePoolFitsIsPublishedToItsTopicAndQueuesBehindItsOwnPoolOnly() throws Exception {
        Topics large = TestEnv.topics().forPool("large");
        List<String> ids = new ArrayList<>();
        try (FleetAdverts fleet = new FleetAdverts(TestEnv.ALICE_KEY)) {
            fleet.cpuWorker("pool-small-1", "default", 1024 * MIB).cpuWorker("pool-large-1", "large", 1536 * MIB)
                    .awaitClasses(2);

            dryRun(FITS_ONLY_LARGE).then().statusCode(200)
                    .body("fits", equalTo(true))
                    .body("pool", equalTo("large"))
                    .body("workerClasses[0].workerClass.pool", equalTo("default"))
                    .body("workerClasses[0].fits", equalTo(false))
                    .body("workerClasses[1].workerClass.pool", equalTo("large"))
                    .body("workerClasses[1].fits", equalTo(true));
            dryRun(FITS_BOTH).then().statusCode(200).body("pool", equalTo("default"));

            // a default-pool job queued first: it is not ahead of the large pool's jobs
            String inDefault = Jobs.submit(TestEnv.QUEUED_KEY, FITS_BOTH).then().statusCode(202)
                    .body("capacity.pool", equalTo("default")).extract().path("id");
            ids.add(inDefault);
            String first = Jobs.submit(TestEnv.QUEUED_KEY, FITS_ONLY_LARGE).then().statusCode(202)
                    .body("capacity.pool", equalTo("large"))
                    .body("queue.position", equalTo(1)).extract().path("id");
            ids.add(first);
            String second = Jobs.submit(TestEnv.QUEUED_KEY, FITS_ONLY_LARGE).then().statusCode(202)
                    .body("capacity.pool", equalTo("large")).extract().path("id");
            ids.add(second);
            as(TestEnv.QUEUED_KEY).get("/v1/jobs/" + second).then().statusCode(200)
                    .body("status", equalTo("QUEUED")).body("pool", equalTo("large"))
                    .body("queue.position", equalTo(2));
            int defaultPosition = as(TestEnv.QUEUED_KEY).get("/v1/jobs/" + inDefault).then().statusCode(200)
                    .body("pool", equalTo("default")).extract().path("queue.position");
            assertTrue(defaultPosition >= 1, "the default-pool job is queued in its own pool");

            Map<String, String> onLarge = requestsOn(large.jobLanes());
            assertEquals("large", pool(onLarge.get(first)), "the large-only job is on pool large's topic");
            assertEquals("large", pool(onLarge.get(second)));
            assertTrue(!onLarge.containsKey(inDefault), "the job both fit is not on pool large's topic");
            Map<String, String> onDefault = requestsOn(TestEnv.topics().jobLanes());
            assertTrue(!onDefault.containsKey(first) && !onDefault.containsKey(second),
                    "nothing of the large-only jobs lands on the default pool's topics");
            assertEquals("default", pool(onDefault.get(inDefault)));
            assertTrue(onLarge.keySet().stream().noneMatch(onDefault::containsKey));
        } finally {
            // the test plays pool large's worker (and the default one, which leaves this key's jobs queued)
            try (KafkaProducer<String, byte[]> producer = TestEnv.kafka().newProducer()) {
                for (String id : ids) {
                    JobEvent end = JobEvent.cancelled(id, 23, Instant.now(), "pool-test", "test over");
                    producer.send(new ProducerRecord<>(TestEnv.topics().events(), id, JsonCodec.shared().encode(end)))
                            .get(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** The value of every request record on {@code topics}, by job id (raw JSON). */
    private static Map<String, String> requestsOn(List<String> topics) {
        Map<String, String> out = new HashMap<>();
        try (KafkaConsumer<String, byte[]> c = TestEnv.kafka().newConsumer("pool-routing-reader-"
                + System.nanoTime())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : topics) {
                List<PartitionInfo> infos = c.partitionsFor(t, Duration.ofSeconds(10));
                if (infos != null) {
                    infos.forEach(p -> parts.add(new TopicPartition(t, p.partition())));
                }
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.value() != null) {
                        out.put(r.key(), new String(r.value(), java.nio.charset.StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return out;
    }

    private static String pool(String requestJson) {
        assertTrue(requestJson != null, "request record present");
        try {
            JobRequest r = JsonCodec.shared().decodeRequest(requestJson.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return r.workerPool();
        } catch (dev.ist.common.codec.InvalidMessageException e) {
            throw new AssertionError(e);
        }
    }

    private static Response dryRun(String options) {
        return Jobs.dryRun(TestEnv.ALICE_KEY, options);
    }
}
