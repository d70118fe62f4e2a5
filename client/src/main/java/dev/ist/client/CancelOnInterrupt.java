package dev.ist.client;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * What Ctrl-C does while a job is followed: on a terminal, ask "cancel job X? [y/N]" (yes: request the cancel and
 * keep following until the worker confirms; no: leave the job running and stop following); without a terminal,
 * leave it running and say how to cancel it. A second Ctrl-C while the question is open stops at once.
 */
public final class CancelOnInterrupt {

    private final String jobId;
    private final BooleanSupplier finished;
    private final Function<String, String> ask;
    private final Runnable cancel;
    private final Consumer<String> note;
    private final IntConsumer exit;
    private final AtomicBoolean asking = new AtomicBoolean();
    private final AtomicBoolean cancelRequested = new AtomicBoolean();
    private final AtomicBoolean handled = new AtomicBoolean();

    /**
     * @param ask    asks a question on the terminal and returns the answer (null at end of input); null when there
     *               is no terminal to ask on
     * @param cancel sends the cancel request
     * @param note   prints a line for the user
     * @param exit   ends the process with a code
     */
    public CancelOnInterrupt(String jobId, BooleanSupplier finished, Function<String, String> ask, Runnable cancel,
                             Consumer<String> note, IntConsumer exit) {
        this.jobId = jobId;
        this.finished = finished;
        this.ask = ask;
        this.cancel = cancel;
        this.note = note;
        this.exit = exit;
    }

    /** Ctrl-C (SIGINT). */
    public void onInterrupt() {
        if (finished.getAsBoolean()) {
            handled.set(true);
            exit.accept(ExitCodes.INTERRUPTED); // nothing left to cancel: the download just stops
            return;
        }
        if (ask == null || cancelRequested.get()) {
            leaveRunning();
            return;
        }
        if (!asking.compareAndSet(false, true)) {
            leaveRunning(); // pressed again while asked
            return;
        }
        String answer;
        try {
            answer = ask.apply("cancel job " + jobId + "? [y/N] ");
        } finally {
            asking.set(false);
        }
        if (answer != null && answer.trim().toLowerCase(java.util.Locale.ROOT).matches("y|yes")) {
            try {
                cancel.run();
                cancelRequested.set(true);
                note.accept("cancel of job " + jobId + " requested; waiting for the worker to confirm "
                        + "(Ctrl-C again stops waiting)");
            } catch (ClientException e) {
                note.accept("could not cancel job " + jobId + ": " + e.getMessage());
                leaveRunning();
            }
            return;
        }
        leaveRunning();
    }

    /** The JVM is shutting down (SIGTERM, or after {@link #onInterrupt}): say what became of the job. */
    public void onShutdown() {
        if (!finished.getAsBoolean() && !handled.get()) {
            note.accept(hint());
        }
    }

    private void leaveRunning() {
        handled.set(true);
        note.accept(hint());
        exit.accept(ExitCodes.INTERRUPTED);
    }

    private String hint() {
        return (cancelRequested.get() ? "cancel of job " + jobId + " requested; it" : "job " + jobId)
                + " keeps running on the service. Follow it: ist status " + jobId + "; cancel it: ist cancel " + jobId;
    }
}
