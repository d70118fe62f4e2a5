package dev.ist.worker.engine;

/** An input image is unreadable, not an image, empty, or larger than the configured pixel limit. */
public class InvalidImageException extends EngineException {
    public InvalidImageException(String message) {
        super(message);
    }

    public InvalidImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
