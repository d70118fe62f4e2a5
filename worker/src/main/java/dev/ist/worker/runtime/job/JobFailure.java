package dev.ist.worker.runtime.job;

import dev.ist.common.event.ErrorCode;

/** A job that cannot finish, with the code and the user-facing message its FAILED event carries. */
public final class JobFailure extends Exception {

    private final ErrorCode code;

    public JobFailure(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public JobFailure(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
