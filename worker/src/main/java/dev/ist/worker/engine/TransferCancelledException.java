package dev.ist.worker.engine;

/** The caller's cancellation flag was raised; {@link #lastState()} lets the job resume later. */
public class TransferCancelledException extends EngineException {
    private final transient EngineState lastState;
    private final int iteration;

    /** Stopped between two iterations: {@code lastState} is the iterate reached (null: none yet). */
    public TransferCancelledException(EngineState lastState) {
        super("transfer cancelled at iteration " + (lastState == null ? 0 : lastState.iteration()));
        this.lastState = lastState;
        this.iteration = lastState == null ? 0 : lastState.iteration();
    }

    /**
     * Stopped in the middle of iteration {@code iteration + 1} (between two tiles of an evaluation): no state newer
     * than the last checkpoint, the half-done iterate is not one to resume from.
     */
    public static TransferCancelledException duringIteration(int iteration) {
        return new TransferCancelledException(iteration);
    }

    private TransferCancelledException(int iteration) {
        super("transfer cancelled during the iteration after " + iteration + " (between two tiles)");
        this.lastState = null;
        this.iteration = iteration;
    }

    /** The state to resume from, or null when there is none newer than the last checkpoint. */
    public EngineState lastState() {
        return lastState;
    }

    /** The last iteration completed. */
    public int iteration() {
        return iteration;
    }
}
