package dev.ist.worker.engine;

/**
 * The stop flag was raised between two tiles of an evaluation. Thrown inside the objective (the optimiser's iterate is
 * then half done and cannot be kept); the engine turns it into a {@link TransferCancelledException} without a state,
 * so a job resumes from its last checkpoint.
 */
final class EvaluationStoppedException extends RuntimeException {
    EvaluationStoppedException() {
        super("evaluation stopped between tiles", null, false, false);
    }
}
