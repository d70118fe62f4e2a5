package dev.ist.client;

/** The gateway refused a request: a 4xx is the client's input (exit 2), a 5xx the service's trouble (exit 3). */
public final class ProblemException extends ClientException {

    private final Problem problem;

    public ProblemException(Problem problem) {
        super(problem.status() >= 500 ? ExitCodes.GATEWAY : ExitCodes.USAGE, ProblemPrinter.text(problem));
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
