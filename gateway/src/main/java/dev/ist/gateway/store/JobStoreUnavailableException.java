package dev.ist.gateway.store;

/** The job database could not answer (down, unreachable, out of connections): a 503 for the client, not a bug. */
public final class JobStoreUnavailableException extends RuntimeException {

    public JobStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
