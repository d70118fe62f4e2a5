package dev.ist.worker.runtime.metrics;

import dev.ist.common.event.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.consumer.Consumer;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The worker's meters, named as the metrics contract fixes them (Micrometer turns {@code ist.worker.jobs} into
 * {@code ist_worker_jobs_total} and timers into {@code _seconds} histograms with the buckets below).
 */
public final class WorkerMetrics implements AutoCloseable {

    private final PrometheusMeterRegistry registry;
    private final AtomicInteger inProgress = new AtomicInteger();
    private final Timer jobDuration;
    private final Timer queueWait;
    private final Timer iteration;
    private final Counter iterations;
    private final Counter checkpointsWritten;
    private final Counter checkpointsResumed;
    private final Counter styleCacheHits;
    private final Counter styleCacheMisses;
    private final Counter precisionFallbacks;
    private final Counter nonFiniteRecoveries;
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private KafkaClientMetrics consumerMetrics;

    /** The reasons a record is skipped: the DLQ refused or could not be reached, or the handler kept crashing. */
    public static final java.util.List<String> SKIP_REASONS =
            java.util.List.of("dlq_refused", "dlq_unavailable", "dlq_failed", "handler_crash");

    public WorkerMetrics(String workerId, String device) {
        this(workerId, device, dev.ist.common.capacity.WorkerPool.DEFAULT);
    }

    /** @param pool the worker's pool, a label of {@code ist_worker_info} */
    public WorkerMetrics(String workerId, String device, String pool) {
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);

        Gauge.builder("ist.worker.info", () -> 1)
                .description("Constant 1, labelled with this worker's id, device and pool")
                .tag("worker_id", workerId).tag("device", device).tag("pool", pool).register(registry);
        Gauge.builder("ist.worker.jobs.in.progress", inProgress, AtomicInteger::get)
                .description("Jobs running on this worker now").register(registry);
        for (String reason : SKIP_REASONS) {
            Counter.builder("ist.worker.records.skipped").description("Jobs-topic records skipped without a dead letter")
                    .tag("reason", reason).register(registry); // shown at 0 so an alert rule has a series
        }
        jobDuration = Timer.builder("ist.worker.job.duration")
                .description("RUNNING to terminal event, per job")
                .serviceLevelObjectives(seconds(1), seconds(5), seconds(15), seconds(30), seconds(60), seconds(120),
                        seconds(300), seconds(600), seconds(1200), seconds(1800), seconds(3600))
                .register(registry);
        queueWait = Timer.builder("ist.worker.queue.wait")
                .description("Submitted to started, per job")
                .serviceLevelObjectives(Duration.ofMillis(100), Duration.ofMillis(500), seconds(1), seconds(5),
                        seconds(15), seconds(60), seconds(300), seconds(900), seconds(3600))
                .register(registry);
        iteration = Timer.builder("ist.worker.iteration")
                .description("Wall time of one optimiser iteration")
                .serviceLevelObjectives(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
                        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
                        seconds(1), seconds(2), seconds(5), seconds(10))
                .register(registry);
        iterations = Counter.builder("ist.worker.iterations").description("Optimiser iterations run")
                .register(registry);
        checkpointsWritten = Counter.builder("ist.worker.checkpoints.written")
                .description("Checkpoints stored").register(registry);
        checkpointsResumed = Counter.builder("ist.worker.checkpoints.resumed")
                .description("Jobs resumed from a checkpoint").register(registry);
        precisionFallbacks = Counter.builder("ist.engine.precision.fallbacks")
                .description("Transfers whose bf16 network gave non-finite values and went on in fp32")
                .register(registry);
        nonFiniteRecoveries = Counter.builder("ist.engine.nonfinite.recoveries")
                .description("Shorter optimiser steps taken because an fp32 evaluation was NaN or infinite")
                .register(registry);
        styleCacheHits = styleCache("hit");
        styleCacheMisses = styleCache("miss");
        // every series shows as 0 from the start, so rate() and the dashboards work before the first failure
        for (String outcome : new String[] {"succeeded", "cancelled"}) {
            jobs(outcome, "none");
        }
        for (ErrorCode code : ErrorCode.values()) {
            jobs("failed", code.name());
            deadLetters(code);
        }
    }

    private Counter deadLetters(ErrorCode reason) {
        return Counter.builder("ist.worker.dlq.messages").description("Messages copied to the dead-letter topic")
                .tag("reason", reason.name().toLowerCase(Locale.ROOT)).register(registry);
    }

    private Counter styleCache(String result) {
        return Counter.builder("ist.worker.style.cache.requests").description("Style-target cache look-ups")
                .tag("result", result).register(registry);
    }

    private Counter jobs(String outcome, String errorCode) {
        return Counter.builder("ist.worker.jobs").description("Jobs finished by this worker")
                .tag("outcome", outcome).tag("error_code", errorCode).register(registry);
    }

    private static Duration seconds(long s) {
        return Duration.ofSeconds(s);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    public String contentType() {
        return "text/plain; version=0.0.4; charset=utf-8";
    }

    public void bindConsumer(Consumer<?, ?> consumer) {
        consumerMetrics = new KafkaClientMetrics(consumer);
        consumerMetrics.bindTo(registry);
    }

    public void jobStarted() {
        inProgress.incrementAndGet();
    }

    public void jobStopped() {
        inProgress.decrementAndGet();
    }

    public void succeeded(Duration duration) {
        jobs("succeeded", "none").increment();
        jobDuration.record(duration);
    }

    public void failed(ErrorCode code, Duration durationOrNull) {
        jobs("failed", code.name()).increment();
        if (durationOrNull != null) {
            jobDuration.record(durationOrNull);
        }
    }

    public void cancelled(Duration durationOrNull) {
        jobs("cancelled", "none").increment();
        if (durationOrNull != null) {
            jobDuration.record(durationOrNull);
        }
    }

    public void queueWait(Duration d) {
        queueWait.record(d.isNegative() ? Duration.ZERO : d);
    }

    public void iteration(Duration d) {
        iteration.record(d);
        iterations.increment();
    }

    public void checkpointWritten() {
        checkpointsWritten.increment();
    }

    public void checkpointResumed() {
        checkpointsResumed.increment();
    }

    public void styleCache(boolean hit) {
        (hit ? styleCacheHits : styleCacheMisses).increment();
    }

    /**
     * What AUTO was measured to mean on this machine: {@code ist_engine_precision_ms_per_iteration{precision}} (both
     * timings) and {@code ist_engine_precision_auto{precision}} (1 for the one AUTO runs in, 0 for the other).
     */
    public void precisionCalibration(dev.ist.worker.engine.precision.PrecisionCalibration c) {
        Gauge.builder("ist.engine.precision.ms.per.iteration", c.timings()::fp32MsPerIteration)
                .description("Median iteration time measured by the AUTO precision calibration")
                .tag("precision", "fp32").register(registry);
        Gauge.builder("ist.engine.precision.ms.per.iteration", c.timings()::bf16MsPerIteration)
                .description("Median iteration time measured by the AUTO precision calibration")
                .tag("precision", "bf16").register(registry);
        for (dev.ist.common.job.Precision p : new dev.ist.common.job.Precision[] {
                dev.ist.common.job.Precision.FP32, dev.ist.common.job.Precision.BF16}) {
            double chosen = c.choice() == p ? 1 : 0;
            Gauge.builder("ist.engine.precision.auto", () -> chosen)
                    .description("1 for the precision AUTO runs in on this worker (measured), 0 otherwise")
                    .tag("precision", p.name().toLowerCase(java.util.Locale.ROOT)).register(registry);
        }
    }

    /** A finished transfer that fell back from bf16 to fp32 ({@code ist_engine_precision_fallbacks_total}). */
    public void precisionFallback() {
        precisionFallbacks.increment();
    }

    /** Shorter steps after a non-finite evaluation ({@code ist_engine_nonfinite_recoveries_total}). */
    public void nonFiniteRecovery(int retries) {
        nonFiniteRecoveries.increment(retries);
    }

    public void deadLetter(ErrorCode reason) {
        deadLetters(reason).increment();
    }

    /**
     * A jobs-topic record committed past without a dead letter or a terminal event ({@code
     * ist_worker_records_skipped_total{reason}}): the DLQ refused it, or it kept crashing its handler.
     */
    /** A job this worker could not fit went on to {@code pool} ({@code ist_worker_jobs_forwarded_total}). */
    public void jobForwarded(String pool) {
        Counter.builder("ist.worker.jobs.forwarded").description("Jobs forwarded to another worker pool that fits them")
                .tag("to_pool", pool).register(registry).increment();
    }

    /**
     * A Kafka client of this worker was refused its login or an ACL ({@code ist_kafka_access_failures_total{client}}),
     * counted at every retry.
     */
    public void kafkaAccessFailure(String client) {
        Counter.builder("ist.kafka.access.failures")
                .description("Kafka logins or requests refused (bad credentials or a missing ACL), per client")
                .tag("client", client).register(registry).increment();
    }

    public void recordSkipped(String reason) {
        Counter.builder("ist.worker.records.skipped").description("Jobs-topic records skipped without a dead letter")
                .tag("reason", reason).register(registry).increment();
    }

    @Override
    public void close() {
        if (consumerMetrics != null) {
            consumerMetrics.close();
        }
        gcMetrics.close();
        registry.close();
    }
}
