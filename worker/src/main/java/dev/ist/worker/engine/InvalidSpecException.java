package dev.ist.worker.engine;

/** A transfer option is out of range or inconsistent (unknown layer, negative weight, ...). */
public class InvalidSpecException extends EngineException {
    public InvalidSpecException(String message) {
        super(message);
    }

    /** @param suggestedSize a long side that would be accepted, when the size is what is refused */
    public InvalidSpecException(String message, int suggestedSize) {
        super(message, suggestedSize, null);
    }
}
