package dev.ist.common.storage;

/**
 * A storage call that failed. {@link #isTransient()} is true when retrying later might work (server unreachable,
 * 5xx, throttling), false for refusals such as bad credentials.
 */
public class StorageException extends RuntimeException {

    private final boolean transientFailure;

    public StorageException(String message, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    public boolean isTransient() {
        return transientFailure;
    }
}
