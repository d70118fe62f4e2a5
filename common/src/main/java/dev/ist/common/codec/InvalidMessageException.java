package dev.ist.common.codec;

import dev.ist.common.event.ErrorCode;

/**
 * A payload that could not be decoded: malformed JSON, a missing or mistyped field, or an unknown schema version.
 * {@link #field()} names the offending JSON path ({@code $} for the whole document).
 */
public class InvalidMessageException extends Exception {

    private final ErrorCode code;
    private final String field;

    public InvalidMessageException(ErrorCode code, String field, String message) {
        super(field + ": " + message);
        this.code = code;
        this.field = field;
    }

    public ErrorCode code() {
        return code;
    }

    public String field() {
        return field;
    }
}
