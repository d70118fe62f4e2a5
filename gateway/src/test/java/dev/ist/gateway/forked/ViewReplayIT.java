package dev.ist.gateway.forked;

import dev.ist.common.Topics;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.JobEvent;
import dev.ist.common.event.Losses;
import dev.ist.common.event.Progress;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.JobRequest;
import dev.ist.common.job.StyleRef;
import dev.ist.testkit.KafkaBroker;
import dev.ist.testkit.S3Server;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gateway on an empty job database projects the topics' history into it: 10 000 finished jobs (each a request and
 * seven events) projected by a gateway with a 256 MiB heap, which must know every job. The heap holds no per-job
 * history, so it does not grow with the history; the figures (projection rate, heap peak) are printed.
 */
class ViewReplayIT {

    private static final int JOBS = 10_000;
    private static final int TICKS = 5;

    @Test
    void tenThousandFinishedJobsAreReplayedWithinASmallHeap() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Topics topics = ForkedGateway.newTopics(run);
        String bucket = "fk-" + run;
        S3Server.shared().createBucket(bucket);
        produceFinishedJobs(topics);

        long t0 = System.nanoTime();
        try (ForkedGateway g = ForkedGateway.start("replay", topics, bucket, "256m", Map.of())) {
            double readySeconds = (System.nanoTime() - t0) / 1e9;
            HttpResponse<String> page = null;
            long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(300);
            while (System.nanoTime() < until) {
                page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                g.base.resolve("/v1/jobs?size=1&status=SUCCEEDED")).header("X-Api-Key", ForkedGateway.KEY)
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (page.body().contains("\"total\":" + JOBS)) {
                    break;
                }
                Thread.sleep(200);
            }
            double projectedSeconds = (System.nanoTime() - t0) / 1e9;
            assertTrue(page != null && page.body().contains("\"total\":" + JOBS), page == null ? "" : page.body());
            assertTrue(!g.logText().contains("OutOfMemoryError"), "no OutOfMemoryError");
            long listStart = System.nanoTime();
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(g.base.resolve("/v1/jobs?size=20&page=400"))
                    .header("X-Api-Key", ForkedGateway.KEY).build(), HttpResponse.BodyHandlers.ofString());
            double deepPageMs = (System.nanoTime() - listStart) / 1e6;
            System.out.printf("[forked gateway -Xmx256m] projected %d finished jobs (%d records): ready after %.1f s, "
                    + "all rows after %.1f s from start (%.0f records/s at least); deep page (offset 8000) %.0f ms; heap "
                    + "high-water mark %.1f MiB%n", JOBS, JOBS * (3 + TICKS), readySeconds, projectedSeconds,
                    JOBS * (3 + TICKS) / projectedSeconds, deepPageMs,
                    g.heapPeakBytes() / 1048576.0);
        }
    }

    private static void produceFinishedJobs(Topics topics) throws Exception {
        JsonCodec codec = JsonCodec.shared();
        ImageRef img = new ImageRef("b".repeat(64));
        Instant t = Instant.now().minusSeconds(3600);
        try (KafkaProducer<String, byte[]> producer = KafkaBroker.shared().newProducer()) {
            for (int i = 0; i < JOBS; i++) {
                String id = UUID.randomUUID().toString();
                JobRequest request = JobRequest.of(id, t, img, List.of(new StyleRef(img, 1.0)),
                        JobOptions.builder().size(256).iterations(500).build(), "forked");
                producer.send(new ProducerRecord<>(topics.jobs(), id, codec.encode(request)));
                producer.send(new ProducerRecord<>(topics.events(), id, codec.encode(JobEvent.queued(id, t))));
                producer.send(new ProducerRecord<>(topics.events(), id, codec.encode(
                        JobEvent.running(id, 1, t, "w-1", Map.of("queueWait", 10L)))));
                Progress last = null;
                for (int k = 1; k <= TICKS; k++) {
                    last = new Progress(k * 100, 500, 0, 1, 256, 192, new Losses(1.0 / k, 2.0 / k, 0, 3.0 / k),
                            k * 1000L, "jobs/" + id + "/previews/" + (k * 100) + ".jpg");
                    producer.send(new ProducerRecord<>(topics.events(), id, codec.encode(
                            JobEvent.progress(id, 1 + k, t, "w-1", last))));
                }
                producer.send(new ProducerRecord<>(topics.events(), id, codec.encode(JobEvent.succeeded(id,
                        2 + TICKS, t, "w-1", last, "jobs/" + id + "/result.png", null, Map.of("total", 5000L)))));
            }
            producer.flush();
        }
    }
}
