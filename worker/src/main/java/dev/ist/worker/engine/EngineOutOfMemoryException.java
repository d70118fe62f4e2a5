package dev.ist.worker.engine;

/** The device ran out of memory; {@link #suggestedLongSide()} is a size that should fit. */
public class EngineOutOfMemoryException extends EngineException {
    private final int suggestedLongSide;

    public EngineOutOfMemoryException(String message, int suggestedLongSide, Throwable cause) {
        super(message, cause);
        this.suggestedLongSide = suggestedLongSide;
    }

    public int suggestedLongSide() {
        return suggestedLongSide;
    }
}
