package dev.ist.worker.cli;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Ctrl-C or SIGTERM during {@code ist transfer}: the flag the engine polls turns true, so the run stops at its next
 * tile or iteration, and the JVM's exit waits (at most {@link #WAIT_SECONDS} s) until the engine has closed. Exiting
 * under a running evaluation let libtorch's static destructors run beneath it, and the process aborted ("pure virtual
 * method called") instead of saying it was cancelled.
 */
final class StopOnShutdown implements BooleanSupplier, AutoCloseable {
    /** Longer than one tile's forward and backward pass at print sizes on a slow CPU. */
    static final long WAIT_SECONDS = 120;

    private final AtomicBoolean requested = new AtomicBoolean();
    private final CountDownLatch engineClosed = new CountDownLatch(1);
    private final Thread hook;

    StopOnShutdown(PrintWriter err) {
        hook = new Thread(() -> {
            requested.set(true);
            err.println();
            err.println("ist transfer: stopping at the next tile or iteration...");
            err.flush();
            try {
                engineClosed.await(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "ist-transfer-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Whether a stop was asked for. */
    @Override
    public boolean getAsBoolean() {
        return requested.get();
    }

    /** Call once the engine is closed: a waiting exit goes on; without a stop the hook is removed. */
    @Override
    public void close() {
        engineClosed.countDown();
        if (!requested.get()) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM began shutting down in between: the hook runs and returns at once
            }
        }
    }
}
