package dev.ist.common.job;

/**
 * One refused field: {@code field} is a JSON path such as {@code options.iterations} or {@code styles[1].weight}.
 */
public record FieldError(String field, String message) {

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
