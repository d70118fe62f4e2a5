package dev.ist.worker.runtime;

import dev.ist.common.event.EventType;
import dev.ist.common.event.JobEvent;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.JobMode;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.JobRequest;
import dev.ist.common.model.ModelInfo;
import dev.ist.common.model.ModelRegistry;
import dev.ist.testkit.TestImages;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The job-path half of {@code dev.ist.worker.fast.FastBench}: fast jobs through a real worker, broker and S3 server,
 * timed from submit to the SUCCEEDED event arriving. Lives here for {@link WorkerHarness}.
 */
public final class FastJobPathBench {

    /** One measured job: end to end, and the phases the SUCCEEDED event reports. */
    public record Sample(long endToEndMs, Map<String, Long> timingsMs) {
    }

    private FastJobPathBench() {
    }

    /** Runs {@code warmup + jobs} fast jobs of a {@code side}² image, one at a time; returns the measured ones. */
    public static List<Sample> run(byte[] onnx, ModelInfo info, int side, int warmup, int jobs) {
        Duration wait = Duration.ofMinutes(5);
        List<Sample> samples = new ArrayList<>();
        try (WorkerHarness h = new WorkerHarness("fastbench")) {
            Map<String, String> settings = h.workerSettings("fastbench-worker");
            settings.remove("ist.worker.checkpoint-every");
            settings.remove("ist.worker.preview-every");
            settings.remove("ist.worker.preview-size");
            settings.remove("ist.worker.progress-min-interval");
            h.startWorker(settings);
            h.awaitGroupBalanced(1, wait);
            new ModelRegistry(h.store).register(info, onnx, null, null);
            ImageRef content = h.upload(TestImages.noisePng(side, side, 11));
            for (int i = 0; i < warmup + jobs; i++) {
                JobOptions options = JobOptions.builder().size(side).mode(JobMode.FAST).model(info.name()).build();
                JobRequest job = JobRequest.of(UUID.randomUUID().toString(), Instant.now(), content, List.of(),
                        options, "bench");
                long start = System.nanoTime();
                h.submit(job);
                JobEvent done = h.awaitTerminal(job.jobId(), wait);
                long ms = (System.nanoTime() - start) / 1_000_000;
                if (done.type() != EventType.SUCCEEDED) {
                    throw new IllegalStateException("bench job ended " + done.type() + ": " + done.failure());
                }
                if (i >= warmup) {
                    samples.add(new Sample(ms, done.timingsMs()));
                }
            }
        }
        return samples;
    }
}
