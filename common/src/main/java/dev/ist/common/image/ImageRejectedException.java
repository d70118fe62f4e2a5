package dev.ist.common.image;

import dev.ist.common.event.ErrorCode;

/** An input that IST will not process, with a reason a user can act on. */
public class ImageRejectedException extends Exception {

    private final ErrorCode code;

    public ImageRejectedException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
