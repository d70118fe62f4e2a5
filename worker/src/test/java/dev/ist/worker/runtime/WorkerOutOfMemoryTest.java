package dev.ist.worker.runtime;

import dev.ist.common.event.ErrorCode;
import dev.ist.common.event.EventType;
import dev.ist.common.event.JobEvent;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.JobRequest;
import dev.ist.testkit.TestImages;
import dev.ist.worker.engine.EngineOutOfMemoryException;
import dev.ist.worker.engine.IterationListener;
import dev.ist.worker.engine.TransferResult;
import dev.ist.worker.engine.TransferSpec;
import dev.ist.worker.engine.weights.RandomWeights;
import dev.ist.worker.runtime.job.EngineHandle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The device runs out of memory in the middle of a job: FAILED with OUT_OF_MEMORY and a smaller size to try, the
 * request dead-lettered, and the worker goes on with the next job. The device here has "memory" for outputs up to
 * 40 px: above that the engine (the real one, after a few iterations) reports what it reports on a real device,
 * {@link EngineOutOfMemoryException} with a suggested size.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkerOutOfMemoryTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int DEVICE_LIMIT = 40;

    private WorkerHarness h;

    @BeforeAll
    void start() {
        h = new WorkerHarness("oom");
        h.startWorker(h.workerSettings("oom-worker"),
                RandomWeights.create(7, WorkerHarness.TINY_CHANNELS, WorkerHarness.TINY_CHANNELS.length),
                SmallDevice::new);
    }

    @AfterAll
    void stop() {
        h.close();
    }

    @Test
    void outOfMemoryFailsTheJobWithASmallerSizeAndTheWorkerCarriesOn() {
        ImageRef content = h.upload(TestImages.gradientPng(64, 64));
        ImageRef style = h.upload(TestImages.checkerboardPng(32, 32, 4));
        JobRequest big = h.request(content, style, WorkerHarness.tinyOptions(64, 20).build());
        JobRequest small = h.request(content, style, WorkerHarness.tinyOptions(32, 3).build());
        h.submit(big);
        h.submit(small);

        JobEvent failed = h.awaitTerminal(big.jobId(), WAIT);
        assertEquals(EventType.FAILED, failed.type());
        assertEquals(ErrorCode.OUT_OF_MEMORY, failed.failure().code());
        assertTrue(failed.failure().message().contains("try size 40"), failed.failure().message());
        WorkerHarness.await("dead letter", WAIT,
                () -> h.deadLetters.stream().anyMatch(d -> big.jobId().equals(d.jobId())
                        && d.code() == ErrorCode.OUT_OF_MEMORY));
        assertEquals(EventType.SUCCEEDED, h.awaitTerminal(small.jobId(), WAIT).type(), "the worker carries on");
    }

    /** Runs the real engine and fails the way a device without enough memory does, a few iterations in. */
    private static final class SmallDevice extends WorkerHarness.DelegatingEngine {
        SmallDevice(EngineHandle engine) {
            super(engine);
        }

        @Override
        public TransferResult stylize(TransferSpec spec, IterationListener listener, BooleanSupplier cancelled) {
            return engine.stylize(spec, report -> {
                listener.onIteration(report);
                if (spec.size() > DEVICE_LIMIT && report.iteration() == 3) {
                    throw new EngineOutOfMemoryException("CUDA out of memory (simulated device limit "
                            + DEVICE_LIMIT + " px)", DEVICE_LIMIT, null);
                }
            }, cancelled);
        }

        @Override
        public String device() {
            return "gpu:0";
        }
    }
}
