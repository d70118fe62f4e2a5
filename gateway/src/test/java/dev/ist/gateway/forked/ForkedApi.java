package dev.ist.gateway.forked;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ist.gateway.support.Jobs;
import dev.ist.gateway.support.Multipart;
import dev.ist.testkit.KafkaBroker;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The public HTTP API of a forked gateway, as a client sees it, and a plain read of what is on the topics. */
final class ForkedApi {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ForkedApi() {
    }

    /** A multipart submit body of the test images with {@code optionsJson}. */
    static Multipart submitBody(String optionsJson) {
        return new Multipart()
                .file("content", "content.png", "image/png", Jobs.CONTENT)
                .file("style", "style.png", "image/png", Jobs.STYLE)
                .field("options", optionsJson);
    }

    /** POST /v1/jobs (in the background), with an Idempotency-Key unless it is null. */
    static CompletableFuture<HttpResponse<String>> submitAsync(URI base, Multipart body, String idempotencyKey) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve("/v1/jobs"))
                .header("X-Api-Key", ForkedGateway.KEY)
                .header("Content-Type", body.contentType())
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.build()));
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        return HTTP.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Submits and returns the job id, failing unless the answer is 202. */
    static String submitted(URI base, String optionsJson) throws Exception {
        HttpResponse<String> r = submitAsync(base, submitBody(optionsJson), null).get(60, TimeUnit.SECONDS);
        if (r.statusCode() != 202) {
            throw new AssertionError("submit answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body()).path("id").asText();
    }

    static HttpResponse<String> get(URI base, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).header("X-Api-Key", ForkedGateway.KEY)
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> delete(URI base, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).header("X-Api-Key", ForkedGateway.KEY)
                .timeout(Duration.ofSeconds(30)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GET /v1/jobs/{id}: the job's JSON, failing unless the answer is 200. */
    static JsonNode job(URI base, String id) throws Exception {
        HttpResponse<String> r = get(base, "/v1/jobs/" + id);
        if (r.statusCode() != 200) {
            throw new AssertionError("GET /v1/jobs/" + id + " on " + base + " answered " + r.statusCode() + ": "
                    + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** Polls GET /v1/jobs/{id} (any answer but 200 counts as not yet) until its status is {@code status}. */
    static JsonNode awaitStatus(URI base, String id, String status, Duration timeout) throws Exception {
        long until = System.nanoTime() + timeout.toNanos();
        String last = "none";
        while (System.nanoTime() < until) {
            HttpResponse<String> r = get(base, "/v1/jobs/" + id);
            last = r.statusCode() + " " + r.body();
            if (r.statusCode() == 200) {
                JsonNode job = JSON.readTree(r.body());
                if (status.equals(job.path("status").asText())) {
                    return job;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job " + id + " on " + base + " did not reach " + status + " within " + timeout
                + "; last answer: " + last);
    }

    /** Every record now on {@code topics} (all partitions, from the beginning to the end offsets of this moment). */
    static List<ConsumerRecord<String, byte[]>> readAll(Collection<String> topics) {
        List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = KafkaBroker.shared().newConsumer(null)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String t : topics) {
                c.partitionsFor(t).forEach(p -> partitions.add(new TopicPartition(t, p.partition())));
            }
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (partitions.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                if (System.nanoTime() > until) {
                    throw new AssertionError("could not read " + topics + " to its end within 60 s");
                }
                c.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        all.add(r);
                    }
                });
            }
        }
        return all;
    }
}
