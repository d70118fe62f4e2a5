package dev.ist.gateway.bench;

import dev.ist.common.Topics;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.JobEvent;
import dev.ist.testkit.KafkaBroker;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Event-to-client latency of the SSE stream: PROGRESS ticks of a running job are published to the events topic (as
 * a worker does, one every 20 ms) while a client follows the job's stream; each tick's time from send to the client
 * reading its {@code id:} line.
 */
final class SseLatency {

    private SseLatency() {
    }

    static double[] measure(HttpClient http, URI base, Topics topics, String jobId, int ticks) throws Exception {
        long firstSeq = RealisticJobs.TICKS + 10;
        Map<Long, Long> sent = new ConcurrentHashMap<>();
        Map<Long, Long> read = new ConcurrentHashMap<>();
        CountDownLatch open = new CountDownLatch(1);
        HttpRequest req = HttpRequest.newBuilder(base.resolve("/v1/jobs/" + jobId + "/events"))
                .header("X-Api-Key", BenchGateway.KEY).header("Accept", "text/event-stream")
                .header("Last-Event-ID", Long.toString(firstSeq - 1)).build();
        HttpResponse<InputStream> stream = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        if (stream.statusCode() != 200) {
            throw new IllegalStateException("the event stream answered " + stream.statusCode());
        }
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                open.countDown();
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("id:")) {
                        read.putIfAbsent(Long.parseLong(line.substring(3).trim()), System.nanoTime());
                    }
                }
            } catch (Exception closed) {
                // the stream is closed at the end
            }
        }, "bench-sse-reader");
        reader.setDaemon(true);
        reader.start();
        open.await(10, TimeUnit.SECONDS);
        Thread.sleep(1000); // the stream is registered with the live tail
        JsonCodec codec = JsonCodec.shared();
        try (KafkaProducer<String, byte[]> producer = KafkaBroker.shared().newProducer()) {
            for (int i = 0; i < ticks; i++) {
                long seq = firstSeq + i;
                JobEvent e = JobEvent.progress(jobId, seq, Instant.now(), "w-1", RealisticJobs.tick(jobId, 1 + i % 500));
                byte[] value = codec.encode(e);
                sent.put(seq, System.nanoTime());
                producer.send(new ProducerRecord<>(topics.events(), jobId, value));
                producer.flush();
                Thread.sleep(20);
            }
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (read.size() < ticks && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        stream.body().close();
        if (read.size() < ticks) {
            System.out.printf("SSE: only %d of %d ticks reached the client within 10 s%n", read.size(), ticks);
        }
        return sent.entrySet().stream().filter(s -> read.containsKey(s.getKey()))
                .mapToDouble(s -> (read.get(s.getKey()) - s.getValue()) / 1e6).toArray();
    }
}
