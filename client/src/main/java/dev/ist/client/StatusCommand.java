package dev.ist.client;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/** {@code ist status ID}: where a job stands. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show a job's status, progress and links.")
public final class StatusCommand implements Callable<Integer> {

    @Mixin
    GatewayOptions gateway;

    @Parameters(index = "0", paramLabel = "ID", description = "the job id")
    String id;

    @Option(names = "--json", description = "print the job object as the API returns it")
    boolean json;

    private final PrintStream out;

    public StatusCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        JsonNode job = gateway.client().job(id);
        if (json) {
            out.println(job.toString());
        } else {
            out.print(JobSummary.render(job));
        }
        return ExitCodes.OK;
    }
}
