package dev.ist.worker.cli;

/** A command-line argument that cannot be used (reported as one line, exit code 2). */
final class UserInputException extends RuntimeException {
    UserInputException(String message) {
        super(message);
    }
}
