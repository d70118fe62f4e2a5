package dev.ist.worker.runtime;

import dev.ist.common.job.Precision;
import dev.ist.worker.engine.PrecisionCalibrator;
import dev.ist.worker.engine.precision.CalibrationCache;
import dev.ist.worker.engine.Throughput;
import dev.ist.worker.engine.precision.PrecisionCalibration;
import dev.ist.worker.download.HttpWeightsDownload;
import dev.ist.common.IstConfig;
import dev.ist.worker.engine.StyleTransferEngine;
import dev.ist.worker.engine.Vgg19Weights;
import dev.ist.worker.engine.weights.RandomWeights;
import dev.ist.worker.engine.weights.WeightsLoader;
import dev.ist.worker.engine.weights.WeightsResolver;
import dev.ist.worker.runtime.job.EngineHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Entry point of a worker process ({@code ./ist worker}): reads {@link WorkerConfig}, loads the weights (a file, the
 * default resolved/cached VGG19, or a random network only when {@code ist.worker.random-weights} names a seed), starts
 * the {@link Worker}, and stops it gracefully on SIGTERM.
 */
public final class WorkerMain {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerMain.class);

    private WorkerMain() {
    }

    public static void main(String[] args) {
        try {
            run(IstConfig.fromSystem());
        } catch (IllegalArgumentException e) {
            System.err.println("ist worker: error: " + e.getMessage());
            System.exit(2);
        } catch (RuntimeException e) {
            System.err.println("ist worker: error: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Starts a worker and blocks until the JVM is asked to stop. */
    public static void run(IstConfig istConfig) {
        WorkerConfig config = WorkerConfig.from(istConfig);
        Vgg19Weights weights = loadWeights(config);
        PrecisionCalibrationSettings calibration = PrecisionCalibrationSettings.from(istConfig);
        StyleTransferEngine engine = new StyleTransferEngine(weights, config.device(), config.engineSettings(),
                config.precision());
        if (config.precision() == Precision.AUTO) {
            // before the first job: AUTO is what this machine measures fastest, not what a CPU flag suggests
            PrecisionCalibration measured = PrecisionCalibrator.calibrate(engine,
                    new CalibrationCache(calibration.cacheDir()), calibration.margin());
            engine.useCalibration(measured);
            Throughput.seed(measured.timings()); // advertised before the first job measures its own
            LOG.info("AUTO precision on {}: {}", measured.key(), measured.describe());
        }
        Worker worker = new Worker(config, EngineHandle.of(engine));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                worker.close();
                engine.close();
            } finally {
                stopped.countDown();
            }
        }, "ist-worker-shutdown"));
        worker.start();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Vgg19Weights loadWeights(WorkerConfig config) {
        if (config.randomWeights().isPresent()) {
            long seed;
            try {
                seed = Long.parseLong(config.randomWeights().get());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("ist.worker.random-weights must be a number (the seed), was '"
                        + config.randomWeights().get() + "'");
            }
            LOG.warn("using a RANDOM VGG19 network (seed {}) as asked by ist.worker.random-weights: results are"
                    + " not real style transfers", seed);
            return RandomWeights.vgg19(seed);
        }
        if (config.weightsPath().isPresent()) {
            return WeightsLoader.load(Path.of(config.weightsPath().get()), null);
        }
        return WeightsLoader.load(WeightsResolver.fromSettings(new HttpWeightsDownload()).resolve(), null);
    }
}
