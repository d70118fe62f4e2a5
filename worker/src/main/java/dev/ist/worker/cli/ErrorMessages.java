package dev.ist.worker.cli;

import dev.ist.worker.engine.EngineException;
import dev.ist.worker.engine.EngineOutOfMemoryException;
import dev.ist.worker.engine.InvalidImageException;
import dev.ist.worker.engine.InvalidSpecException;
import dev.ist.worker.engine.NonFiniteLossException;
import dev.ist.worker.engine.TransferCancelledException;
import dev.ist.worker.engine.WeightsException;

/** Maps failures to one user-facing line and an exit code; never a stack trace. */
final class ErrorMessages {
    private ErrorMessages() {
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        if (e instanceof EngineException engine && engine.suggestedSize().isPresent()) {
            return oneLine(message) + "; try --size " + engine.suggestedSize().getAsInt();
        }
        if (e instanceof EngineException || e instanceof UserInputException) {
            return oneLine(message);
        }
        if (e instanceof OutOfMemoryError) {
            return "out of memory; try a smaller --size";
        }
        return "unexpected " + e.getClass().getSimpleName() + (message == null ? "" : ": " + oneLine(message));
    }

    static int exitCode(Throwable e) {
        if (e instanceof WeightsException) {
            return IstCli.EXIT_WEIGHTS;
        }
        if (e instanceof EngineOutOfMemoryException || e instanceof OutOfMemoryError) {
            return IstCli.EXIT_OUT_OF_MEMORY;
        }
        if (e instanceof TransferCancelledException) {
            return IstCli.EXIT_CANCELLED;
        }
        if (e instanceof NonFiniteLossException) {
            return IstCli.EXIT_NON_FINITE;
        }
        if (e instanceof InvalidImageException || e instanceof InvalidSpecException || e instanceof UserInputException) {
            return IstCli.EXIT_BAD_INPUT;
        }
        return 1;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
    }
}
