package dev.ist.worker.engine;

/** The device ran out of memory; {@link #suggestedLongSide()} is a size that should fit. */
public class EngineOutOfMemoryException extends EngineException {

    public EngineOutOfMemoryException(String message, int suggestedLongSide, Throwable cause) {
        super(message, suggestedLongSide, cause);
    }

    public EngineOutOfMemoryException(String message, int suggestedLongSide) {
        super(message, suggestedLongSide, null);
    }

    public int suggestedLongSide() {
        return suggestedSize().orElse(0);
    }
}
