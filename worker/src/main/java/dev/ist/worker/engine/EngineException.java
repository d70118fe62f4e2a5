package dev.ist.worker.engine;

/** Base of every failure the engine reports on purpose; the message is meant for the user. */
public class EngineException extends RuntimeException {
    public EngineException(String message) {
        super(message);
    }

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
