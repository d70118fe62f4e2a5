package dev.ist.worker.engine;

/**
 * The optimisation produced a NaN or infinite loss or gradient in fp32 and could not step around it; the message says
 * what went non-finite, where (iteration, level, size, precision), and how many shorter steps were tried. The worker
 * ends the job FAILED {@code NON_FINITE_LOSS}; the CLI exits non-zero. Never a result image.
 */
public final class NonFiniteLossException extends EngineException {

    public NonFiniteLossException(String message, Throwable cause) {
        super(message, cause);
    }
}
