package dev.ist.gateway;

import com.sun.net.httpserver.HttpServer;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.ErrorCode;
import dev.ist.common.event.EventType;
import dev.ist.common.event.Failure;
import dev.ist.common.event.JobEvent;
import dev.ist.gateway.support.FleetAdverts;
import dev.ist.gateway.support.IstTestResource;
import dev.ist.gateway.support.Jobs;
import dev.ist.gateway.support.SseClient;
import dev.ist.gateway.support.TestEnv;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.ist.gateway.support.Jobs.as;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway on a broker that refuses unauthenticated clients and denies whatever no ACL allows, logging in with
 * SCRAM-SHA-512 over TLS as its own user with only the README's gateway ACLs; the worker stand-in logs in with a client
 * certificate (mutual TLS) as the worker's user with only the worker's ACLs. Every Kafka client of the gateway works:
 * the publisher (a job reaches the jobs topic and the "worker" runs it), the projector (events on the events topic
 * show up in GET /v1/jobs/{id}), live events (the SSE stream), the webhook dispatcher (its consumer group) and the
 * capacity reader (an advert the worker's user publishes). Neither user may write what is the other's: the gateway's
 * user no capacity advert, the worker's user no job.
 */
@QuarkusTest
@TestProfile(SecuredKafkaGatewayTest.SecuredKafka.class)
class SecuredKafkaGatewayTest {

    public static class SecuredKafka implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(IstTestResource.class,
                    Map.of(IstTestResource.SECURED_KAFKA, "true")));
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Test
    void aSubmittedJobRunsOnTheWorkersEventsAndIsFollowedLiveWithAWebhookDelivered() throws Exception {
        List<String> webhookBodies = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            webhookBodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try {
            String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
            String id = as(TestEnv.ALICE_KEY)
                    .multiPart("content", "content.png", Jobs.CONTENT, "image/png")
                    .multiPart("style", "style.png", Jobs.STYLE, "image/png")
                    .multiPart("options", "{\"size\":64,\"iterations\":60}")
                    .multiPart("webhook", "{\"url\":\"" + url + "\",\"events\":[\"completed\"]}")
                    .post("/v1/jobs").then().statusCode(202).extract().path("id");
            // live events: the stream follows the job from the events topic until its terminal event
            SseClient.Stream stream = SseClient.read(base.resolve("/v1/jobs/" + id + "/events"), TestEnv.ALICE_KEY,
                    null, Duration.ofSeconds(60));
            List<EventType> types = stream.events().stream().map(r -> r.event().type()).toList();
            assertTrue(types.contains(EventType.PROGRESS) && types.get(types.size() - 1) == EventType.SUCCEEDED,
                    "the live stream: " + types);
            Jobs.awaitStatus(TestEnv.ALICE_KEY, id, "SUCCEEDED", Duration.ofSeconds(30)).then()
                    .body("workerId", equalTo(dev.ist.gateway.support.WorkerStandIn.WORKER_ID));
            awaitTrue("the webhook for job " + id, Duration.ofSeconds(30),
                    () -> webhookBodies.stream().anyMatch(b -> b.contains(id)));
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void eventsTheWorkersUserPutsOnTheEventsTopicShowUpInTheJobsStatus() throws Exception {
        // the stand-in leaves this key's jobs queued: the worker's user below is the test itself
        String id = Jobs.submitted(TestEnv.QUEUED_KEY, "{\"size\":64,\"iterations\":100}");
        Jobs.awaitStatus(TestEnv.QUEUED_KEY, id, "QUEUED", Duration.ofSeconds(30));
        Instant now = Instant.now();
        try (KafkaProducer<String, byte[]> worker = producer(TestEnv.workerLogin())) {
            send(worker, JobEvent.running(id, 1, now, "secured-worker", Map.of("queueWait", 5L)));
            Jobs.awaitStatus(TestEnv.QUEUED_KEY, id, "RUNNING", Duration.ofSeconds(30)).then()
                    .body("workerId", equalTo("secured-worker"));
            send(worker, JobEvent.failed(id, 2, now.plusMillis(10), "secured-worker",
                    new Failure(ErrorCode.INPUT_CORRUPT, "written by the worker's user"), Map.of()));
        }
        Jobs.awaitStatus(TestEnv.QUEUED_KEY, id, "FAILED", Duration.ofSeconds(30)).then()
                .body("failure.message", equalTo("written by the worker's user"));
    }

    /** Only workers write events: the gateway's user cannot forge a job's result, nor advertise capacity. */
    @Test
    void theGatewaysUserCannotPutAnEventOnTheEventsTopicNorAdvertiseCapacity() throws Exception {
        try (KafkaProducer<String, byte[]> p = producer(TestEnv.gatewayLogin())) {
            JobEvent forged = JobEvent.succeeded(UUID.randomUUID().toString(), 9, Instant.now(), "gateway", null,
                    "jobs/forged/result.png", null, Map.of());
            for (String topic : List.of(TestEnv.topics().events(), TestEnv.workersTopic())) {
                ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                        () -> p.send(new ProducerRecord<>(topic, forged.jobId(), JsonCodec.shared().encode(forged)))
                                .get(30, TimeUnit.SECONDS), topic);
                assertInstanceOf(TopicAuthorizationException.class, refused.getCause(), topic);
            }
        }
    }

    @Test
    void theWorkersUserCannotPutAJobOnAJobsTopic() throws Exception {
        try (KafkaProducer<String, byte[]> p = producer(TestEnv.workerLogin())) {
            ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> p.send(new ProducerRecord<>(TestEnv.topics().jobs(), "forged", new byte[] {'{', '}'}))
                            .get(30, TimeUnit.SECONDS));
            assertInstanceOf(TopicAuthorizationException.class, refused.getCause());
        }
    }

    @Test
    void capacityTheWorkersUserAdvertisesReachesTheGateway() throws Exception {
        try (FleetAdverts fleet = new FleetAdverts(TestEnv.ALICE_KEY, TestEnv.workerLogin())) {
            fleet.cpuWorker("secured-worker-1", 2048L << 20).awaitClasses(1);
        }
    }

    private static KafkaProducer<String, byte[]> producer(Map<String, String> login) {
        Map<String, Object> c = new HashMap<>(login);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return new KafkaProducer<>(c, new StringSerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<String, byte[]> p, JobEvent e) throws Exception {
        p.send(new ProducerRecord<>(TestEnv.topics().events(), e.jobId(), JsonCodec.shared().encode(e)))
                .get(30, TimeUnit.SECONDS);
    }

    private static void awaitTrue(String what, Duration timeout, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not happen within " + timeout);
            }
            Thread.sleep(50);
        }
    }
}
