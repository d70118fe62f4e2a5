package dev.ist.client;

/** A failure the command reports as one message and an exit code (never a stack trace). */
public class ClientException extends RuntimeException {

    private final int exitCode;

    public ClientException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public ClientException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /** Bad arguments or a file the client cannot read: exit 2. */
    public static ClientException usage(String message) {
        return new ClientException(ExitCodes.USAGE, message);
    }

    /** The gateway could not be reached, timed out, or answered something that is not the API: exit 3. */
    public static ClientException unreachable(String message, Throwable cause) {
        return new ClientException(ExitCodes.GATEWAY, message, cause);
    }
}
