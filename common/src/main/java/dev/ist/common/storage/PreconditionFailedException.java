package dev.ist.common.storage;

/** A conditional write ({@code If-Match} / {@code If-None-Match}) was refused by the server: HTTP 412. Never transient. */
public class PreconditionFailedException extends StorageException {

    private final String key;

    public PreconditionFailedException(String key, Throwable cause) {
        super("conditional write refused (412 Precondition Failed) for " + key, false, cause);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
