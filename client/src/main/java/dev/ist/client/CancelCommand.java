package dev.ist.client;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/** {@code ist cancel ID}: asks for a job to be cancelled (idempotent). */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Cancel a job; the worker confirms with CANCELLED (ist status shows it).")
public final class CancelCommand implements Callable<Integer> {

    @Mixin
    GatewayOptions gateway;

    @Parameters(index = "0", paramLabel = "ID", description = "the job id")
    String id;

    private final PrintStream out;

    public CancelCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        JsonNode job = gateway.client().cancel(id);
        String status = job.path("status").asText();
        if (status.equals("SUCCEEDED") || status.equals("FAILED") || status.equals("CANCELLED")) {
            out.println("job " + id + " had already finished: " + status);
        } else {
            out.println("cancel of job " + id + " requested (it was " + status + "); it ends CANCELLED once the "
                    + "worker confirms");
        }
        return ExitCodes.OK;
    }
}
