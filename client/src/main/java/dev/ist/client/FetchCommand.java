package dev.ist.client;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code ist fetch ID}: saves a finished job's result. */
@Command(name = "fetch", mixinStandardHelpOptions = true, description = "Download a finished job's result.")
public final class FetchCommand implements Callable<Integer> {

    @Mixin
    GatewayOptions gateway;

    @Parameters(index = "0", paramLabel = "ID", description = "the job id")
    String id;

    @Option(names = {"--output", "-o"}, paramLabel = "FILE", description = "where to save it (default <ID>.<ext>)")
    Path output;

    private final PrintStream out;
    private final PrintStream err;

    public FetchCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        ResultDownloader.Saved saved = new ResultDownloader(gateway.client()).save(id, output);
        err.println("result of job " + id + " saved to " + saved.file() + " (" + saved.bytes() + " bytes)");
        out.println(saved.file());
        return ExitCodes.OK;
    }
}
