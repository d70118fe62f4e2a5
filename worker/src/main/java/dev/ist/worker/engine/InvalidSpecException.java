package dev.ist.worker.engine;

/** A transfer option is out of range or inconsistent (unknown layer, negative weight, ...). */
public class InvalidSpecException extends EngineException {
    public InvalidSpecException(String message) {
        super(message);
    }
}
