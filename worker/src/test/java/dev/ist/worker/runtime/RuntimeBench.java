package dev.ist.worker.runtime;

import dev.ist.common.event.EventType;
import dev.ist.common.event.JobEvent;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.JobRequest;
import dev.ist.testkit.TestImages;
import dev.ist.worker.engine.weights.RandomWeights;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints what the runtime costs around the engine, against a real broker and S3 server, with a full-size random
 * VGG19 on the CPU and the default progress/preview/checkpoint settings:
 * <ul>
 * <li>per-job overhead for a 128 px, 50-iteration job: end to end (submit → SUCCEEDED acknowledged) minus the
 * engine's optimisation time, split into the phases the SUCCEEDED event reports;</li>
 * <li>submit → RUNNING latency with an idle worker.</li>
 * </ul>
 * Run: {@code java -cp worker/target/test-classes:worker/target/classes:<test classpath>
 * dev.ist.worker.runtime.RuntimeBench [jobs] [latencySamples]}. No assertions: figures only.
 */
public final class RuntimeBench {

    private RuntimeBench() {
    }

    public static void main(String[] args) throws Exception {
        int status = 0;
        try {
            bench(args);
        } catch (Throwable t) {
            t.printStackTrace();
            status = 1;
        }
        System.exit(status); // the test broker's threads would keep the JVM alive

    }

    private static void bench(String[] args) throws Exception {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int samples = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Duration wait = Duration.ofMinutes(5);
        try (WorkerHarness h = new WorkerHarness("bench")) {
            Map<String, String> settings = h.workerSettings("bench-worker");
            settings.remove("ist.worker.checkpoint-every");
            settings.remove("ist.worker.preview-every");
            settings.remove("ist.worker.preview-size");
            settings.remove("ist.worker.progress-min-interval"); // product defaults: 50, 25, 256, 500ms
            h.startWorker(settings, RandomWeights.vgg19(1));
            h.awaitGroupBalanced(1, wait);
            ImageRef content = h.upload(TestImages.gradientPng(160, 120));
            ImageRef style = h.upload(TestImages.checkerboardPng(128, 128, 8));

            run(h, h.request(content, style, JobOptions.builder().size(128).iterations(3).build()), wait); // warm-up

            System.out.println("# 128 px, 50 iterations, L-BFGS, random VGG19 (full size), cpu");
            System.out.println("job  e2e_ms  optimise_ms  overhead_ms  (queueWait fetch targets store total)_ms"
                    + "  iterations  submit->RUNNING_ms");
            List<Long> overheads = new ArrayList<>();
            for (int i = 0; i < jobs; i++) {
                // a new style each time, so the style-target cache does not hide the targets phase
                ImageRef s = i == 0 ? style : h.upload(TestImages.checkerboardPng(128, 128, 8 + i));
                Thread.sleep(1000); // each job meets an idle worker
                JobRequest job = h.request(content, s, JobOptions.builder().size(128).iterations(50).build());
                Result r = run(h, job, wait);
                Map<String, Long> t = r.done.timingsMs();
                long overhead = r.endToEndMs - t.get("optimise");
                overheads.add(overhead);
                System.out.printf(Locale.ROOT, "%3d  %6d  %11d  %11d  (%d %d %d %d %d)  %d  %d%n", i, r.endToEndMs,
                        t.get("optimise"), overhead, t.get("queueWait"), t.get("fetch"), t.get("targets"),
                        t.get("store"), t.get("total"), r.done.progress().iteration(), r.submitToRunningMs);
            }
            if (!overheads.isEmpty()) {
                System.out.printf(Locale.ROOT, "median runtime overhead (e2e - optimise): %d ms%n",
                        median(overheads));
            }

            List<Long> latencies = new ArrayList<>();
            for (int i = 0; i < samples; i++) {
                Thread.sleep(1000); // idle worker: nothing queued, consumer polling
                Result r = run(h, h.request(content, style, JobOptions.builder().size(32).iterations(1).build()),
                        wait);
                latencies.add(r.submitToRunningMs);
            }
            Collections.sort(latencies);
            System.out.printf(Locale.ROOT, "submit -> RUNNING with an idle worker over %d jobs: median %d ms,"
                    + " min %d ms, max %d ms%n", samples, median(latencies), latencies.get(0),
                    latencies.get(latencies.size() - 1));
        }
    }

    private record Result(JobEvent done, long endToEndMs, long submitToRunningMs) {
    }

    private static Result run(WorkerHarness h, JobRequest job, Duration wait) {
        Instant submitted = Instant.now();
        h.submit(job);
        JobEvent done = h.awaitTerminal(job.jobId(), wait);
        long e2e = Duration.between(submitted, Instant.now()).toMillis();
        if (done.type() != EventType.SUCCEEDED) {
            throw new IllegalStateException("bench job ended " + done.type() + ": " + done.failure());
        }
        JobEvent running = h.events(job.jobId()).stream().filter(e -> e.type() == EventType.RUNNING).findFirst()
                .orElseThrow();
        return new Result(done, e2e, Duration.between(submitted, running.at()).toMillis());
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
