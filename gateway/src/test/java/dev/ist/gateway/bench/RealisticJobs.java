package dev.ist.gateway.bench;

import dev.ist.common.Topics;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.ErrorCode;
import dev.ist.common.event.Failure;
import dev.ist.common.event.JobEvent;
import dev.ist.common.event.Losses;
import dev.ist.common.event.Progress;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.JobRequest;
import dev.ist.common.job.StyleRef;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The records of jobs as a gateway and a worker publish them: a request, QUEUED, RUNNING, one PROGRESS tick per
 * iteration (losses, a preview every 50) and a terminal event (one in ten FAILED).
 */
final class RealisticJobs {

    static final int TICKS = 500;
    static final ImageRef IMAGE = new ImageRef("b".repeat(64));

    private static final JsonCodec CODEC = JsonCodec.shared();

    private RealisticJobs() {
    }

    static JobRequest request(String id, String owner, Instant at) {
        return JobRequest.of(id, at, IMAGE, List.of(new StyleRef(IMAGE, 1.0)),
                JobOptions.builder().size(256).iterations(TICKS).build(), owner);
    }

    static Progress tick(String id, int iteration) {
        double k = iteration;
        return new Progress(iteration, TICKS, 0, 1, 256, 192, new Losses(1e4 / k, 2e4 / k, 10 / k, 3e4 / k),
                iteration * 120L, iteration % 50 == 0 ? "jobs/" + id + "/previews/" + iteration + ".jpg" : null);
    }

    static JobEvent end(String id, int index, Instant at) {
        long seq = TICKS + 2;
        if (index % 10 == 9) {
            return JobEvent.failed(id, seq, at, "w-1", new Failure(ErrorCode.OUT_OF_MEMORY, "smaller"),
                    Map.of("total", 61_000L));
        }
        return JobEvent.succeeded(id, seq, at, "w-1", tick(id, TICKS), "jobs/" + id + "/result.png", null,
                Map.of("total", 60_000L, "upload", 40L));
    }

    /**
     * Publishes {@code jobs} jobs, {@code concurrent} of them running at a time (their events interleave as several
     * workers' would). The number of event records sent.
     */
    static long publish(KafkaProducer<String, byte[]> producer, Topics topics, String owner, int jobs, int concurrent) {
        long events = 0;
        Instant t = Instant.now().minusSeconds(3600);
        for (int first = 0; first < jobs; first += concurrent) {
            List<String> ids = new ArrayList<>();
            for (int j = first; j < Math.min(jobs, first + concurrent); j++) {
                String id = UUID.randomUUID().toString();
                ids.add(id);
                producer.send(new ProducerRecord<>(topics.jobs(), id, CODEC.encode(request(id, owner, t))));
                send(producer, topics, JobEvent.queued(id, t));
                send(producer, topics, JobEvent.running(id, 1, t, "w-1", Map.of("queueWait", 10L)));
                events += 2;
            }
            for (int i = 1; i <= TICKS; i++) {
                for (String id : ids) {
                    send(producer, topics, JobEvent.progress(id, 1 + i, t, "w-1", tick(id, i)));
                    events++;
                }
            }
            for (int j = 0; j < ids.size(); j++) {
                send(producer, topics, end(ids.get(j), first + j, t));
                events++;
            }
        }
        producer.flush();
        return events;
    }

    private static void send(KafkaProducer<String, byte[]> producer, Topics topics, JobEvent e) {
        producer.send(new ProducerRecord<>(topics.events(), e.jobId(), CODEC.encode(e)));
    }
}
