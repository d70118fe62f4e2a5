package dev.ist.worker.engine;

import java.util.OptionalInt;

/**
 * Base of every failure the engine reports on purpose. The message says what went wrong in the engine's terms; hints
 * a front end can act on are fields ({@link #suggestedSize()}), so the CLI and the worker word them for their users
 * ("--size 358" is a flag, "size 358" an API field).
 */
public class EngineException extends RuntimeException {

    private final int suggestedSize;

    public EngineException(String message) {
        this(message, 0, null);
    }

    public EngineException(String message, Throwable cause) {
        this(message, 0, cause);
    }

    /** @param suggestedSize a long side (pixels) that should work, or 0 for none */
    protected EngineException(String message, int suggestedSize, Throwable cause) {
        super(message, cause);
        this.suggestedSize = suggestedSize;
    }

    /** A long side of the output (pixels) with which the same transfer should work, when the size is the problem. */
    public OptionalInt suggestedSize() {
        return suggestedSize > 0 ? OptionalInt.of(suggestedSize) : OptionalInt.empty();
    }
}
