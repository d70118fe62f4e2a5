package dev.ist.worker.cli;

import dev.ist.common.IstConfig;
import dev.ist.worker.runtime.WorkerMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ist worker}: runs a worker of the job fleet until SIGTERM. Configured by {@code ist.*} system properties /
 * {@code IST_*} environment variables (see worker/README-config.md); the options below are shortcuts for the most
 * common ones and win over both.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Run a worker: take jobs from Kafka, images from S3/MinIO, publish progress and results.")
public final class WorkerCommand implements Callable<Integer> {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Kafka (ist.kafka.bootstrap-servers)")
    String bootstrapServers;

    @Option(names = "--s3-endpoint", paramLabel = "URL", description = "S3/MinIO endpoint (ist.s3.endpoint)")
    String s3Endpoint;

    @Option(names = "--weights", paramLabel = "FILE", description = "VGG19 weights file (ist.worker.weights)")
    String weights;

    @Option(names = "--random-weights", paramLabel = "SEED",
            description = "use a seeded RANDOM network, for demos and tests (ist.worker.random-weights)")
    Long randomWeights;

    @Option(names = "--device", description = "auto, cpu, gpu, gpu:N (ist.worker.device)")
    String device;

    @Option(names = "--metrics-port", description = "management port (ist.worker.metrics-port)")
    Integer metricsPort;

    @Option(names = "--id", description = "worker id (ist.worker.id)")
    String id;

    @Option(names = "--pool", description = "worker pool: take only its jobs topics (ist.worker.pool, default: default)")
    String pool;

    @Override
    public Integer call() {
        Map<String, String> overrides = new HashMap<>();
        put(overrides, "ist.kafka.bootstrap-servers", bootstrapServers);
        put(overrides, "ist.s3.endpoint", s3Endpoint);
        put(overrides, "ist.worker.weights", weights);
        put(overrides, "ist.worker.random-weights", randomWeights);
        put(overrides, "ist.worker.device", device);
        put(overrides, "ist.worker.metrics-port", metricsPort);
        put(overrides, "ist.worker.id", id);
        put(overrides, "ist.worker.pool", pool);
        try {
            WorkerMain.run(IstConfig.fromSystem().withOverrides(overrides));
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage());
        }
        return 0;
    }

    private static void put(Map<String, String> map, String key, Object value) {
        if (value != null) {
            map.put(key, value.toString());
        }
    }
}
