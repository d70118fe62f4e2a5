package dev.ist.worker.runtime;

import dev.ist.common.IstConfig;
import dev.ist.worker.engine.IterationListener;
import dev.ist.worker.engine.StyleTransferEngine;
import dev.ist.worker.engine.TransferResult;
import dev.ist.worker.engine.TransferSpec;
import dev.ist.worker.engine.weights.RandomWeights;
import dev.ist.worker.runtime.job.EngineHandle;

import java.util.function.BooleanSupplier;

/**
 * A worker in a JVM of its own, for tests that must suspend or kill a whole process ({@code kill -STOP}): the
 * settings come as {@code -D} properties, the network is the harness's tiny random one, and
 * {@code -Dtest.iteration-delay-ms} slows each iteration so a job lasts long enough to be interrupted.
 */
public final class ForkedWorker {

    private ForkedWorker() {
    }

    public static void main(String[] args) throws InterruptedException {
        long delayMs = Long.getLong("test.iteration-delay-ms", 0);
        EngineHandle real = EngineHandle.of(new StyleTransferEngine(
                RandomWeights.create(7, WorkerHarness.TINY_CHANNELS, WorkerHarness.TINY_CHANNELS.length), "cpu"));
        EngineHandle engine = delayMs <= 0 ? real : new WorkerHarness.DelegatingEngine(real) {
            @Override
            public TransferResult stylize(TransferSpec spec, IterationListener listener, BooleanSupplier cancelled) {
                return engine.stylize(spec, report -> {
                    listener.onIteration(report);
                    try {
                        Thread.sleep(delayMs);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, cancelled);
            }
        };
        Worker worker = new Worker(WorkerConfig.from(IstConfig.fromSystem()), engine);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            worker.close();
            engine.close();
        }));
        worker.start();
        System.err.println("FORKED WORKER STARTED");
        Thread.currentThread().join();
    }
}
