package dev.ist.worker.engine;

/** The caller's cancellation flag was raised; {@link #lastState()} lets the job resume later. */
public class TransferCancelledException extends EngineException {
    private final transient EngineState lastState;

    public TransferCancelledException(EngineState lastState) {
        super("transfer cancelled at iteration " + (lastState == null ? 0 : lastState.iteration()));
        this.lastState = lastState;
    }

    public EngineState lastState() {
        return lastState;
    }
}
