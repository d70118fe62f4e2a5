package dev.ist.worker.engine;

/** The VGG19 weights could not be found, downloaded, verified or parsed. */
public class WeightsException extends EngineException {
    public WeightsException(String message) {
        super(message);
    }

    public WeightsException(String message, Throwable cause) {
        super(message, cause);
    }
}
