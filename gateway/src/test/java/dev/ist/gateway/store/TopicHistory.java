package dev.ist.gateway.store;

import dev.ist.common.Topics;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.ControlMessage;
import dev.ist.common.event.ErrorCode;
import dev.ist.common.event.Failure;
import dev.ist.common.event.JobEvent;
import dev.ist.common.event.Losses;
import dev.ist.common.event.Progress;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.JobRequest;
import dev.ist.common.job.Priority;
import dev.ist.common.job.StyleRef;
import dev.ist.gateway.support.RunTopics;
import dev.ist.testkit.KafkaBroker;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes job histories onto fresh topics as gateways and workers would: requests in every lane, events with ticks and
 * previews, every ending, cancels, re-deliveries and an undecodable record.
 */
final class TopicHistory {

    private static final JsonCodec CODEC = JsonCodec.shared();
    private static final ImageRef IMAGE = new ImageRef("c".repeat(64));

    private TopicHistory() {
    }

    static Topics newTopics(String prefix) {
        return RunTopics.create(KafkaBroker.shared(), prefix + "-" + UUID.randomUUID().toString().substring(0, 8));
    }

    /** {@code jobs} jobs of {@code owner}: their requests, lifecycles and, for every fifth, a cancel. */
    static void write(Topics topics, String owner, int jobs, int ticks) throws Exception {
        Instant t0 = Instant.parse("2026-12-01T10:00:00.123456Z");
        try (KafkaProducer<String, byte[]> producer = KafkaBroker.shared().newProducer()) {
            for (int i = 0; i < jobs; i++) {
                String id = UUID.randomUUID().toString();
                Instant t = t0.plusSeconds(i);
                Priority lane = Priority.values()[i % 3];
                JobRequest request = JobRequest.of(id, t, IMAGE, List.of(new StyleRef(IMAGE, 1.0)),
                        JobOptions.builder().size(64).iterations(100).build(), owner).withPriority(lane)
                        .withQuotedSeconds(i % 2 == 0 ? 12.5 : null);
                send(producer, topics.jobs(lane), id, CODEC.encode(request));
                send(producer, topics.events(), id, CODEC.encode(JobEvent.queued(id, t)));
                if (i % 7 == 6) {
                    continue; // stays queued
                }
                long seq = 1;
                send(producer, topics.events(), id, CODEC.encode(
                        JobEvent.running(id, seq++, t.plusMillis(500), "w-" + (i % 3), Map.of("queueWait", 500L))));
                Progress last = null;
                for (int k = 1; k <= ticks; k++) {
                    last = new Progress(k * 10, 100, 0, 1, 64, 48, new Losses(1.0 / k, 2.0 / k, 0, 3.0 / k),
                            k * 100L, k % 3 == 0 ? "jobs/" + id + "/previews/" + k + ".jpg" : null);
                    JobEvent tick = JobEvent.progress(id, seq++, t.plusMillis(500 + k * 100L), "w-" + (i % 3), last);
                    send(producer, topics.events(), id, CODEC.encode(tick));
                    if (k == 2) {
                        send(producer, topics.events(), id, CODEC.encode(tick)); // a re-delivery
                    }
                }
                if (i % 5 == 4) {
                    send(producer, topics.control(), id, CODEC.encode(ControlMessage.cancel(id, t.plusSeconds(1), owner)));
                    send(producer, topics.events(), id, CODEC.encode(
                            JobEvent.cancelled(id, seq, t.plusSeconds(2), "w-" + (i % 3), "cancelled by the user")));
                } else if (i % 5 == 3) {
                    send(producer, topics.events(), id, CODEC.encode(JobEvent.failed(id, seq, t.plusSeconds(2),
                            "w-" + (i % 3), new Failure(ErrorCode.OUT_OF_MEMORY, "smaller"), Map.of("total", 900L))));
                } else {
                    send(producer, topics.events(), id, CODEC.encode(JobEvent.succeeded(id, seq, t.plusSeconds(2),
                            "w-" + (i % 3), last, "jobs/" + id + "/result.png", null, Map.of("total", 1500L))));
                }
            }
            send(producer, topics.events(), "garbage", "{not json".getBytes(StandardCharsets.UTF_8));
            producer.flush();
        }
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, String key, byte[] value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get();
    }
}
