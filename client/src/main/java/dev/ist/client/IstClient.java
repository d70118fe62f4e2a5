package dev.ist.client;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;

/**
 * {@code ist submit | status | cancel | fetch}: the command-line client of the gateway's HTTP API. Exit codes are
 * those of {@link ExitCodes}; every error is one message on stderr (a refusal: {@code title: detail} and one line
 * per refused field), never a stack trace.
 */
@Command(name = "ist", mixinStandardHelpOptions = true, version = "ist client 0.1.0",
        description = "Client of the IST gateway's HTTP API")
public final class IstClient implements Runnable {

    /** A bug of the client itself (neither the user's input nor the service). */
    public static final int EXIT_INTERNAL = 70;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return commandLine(out, err).execute(args);
    }

    static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new IstClient());
        cl.addSubcommand(new SubmitCommand(out, err));
        cl.addSubcommand(new StatusCommand(out));
        cl.addSubcommand(new CancelCommand(out));
        cl.addSubcommand(new FetchCommand(out, err));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine().getErr().println(name(ex.getCommandLine()) + ": error: " + ex.getMessage()
                    + " (see ./" + name(ex.getCommandLine()) + " --help)");
            return ExitCodes.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter e = commandLine.getErr();
            if (ex instanceof ClientException c) {
                List<String> lines = c.getMessage().lines().toList();
                e.println(name(commandLine) + ": " + (lines.isEmpty() ? "failed" : lines.get(0)));
                lines.stream().skip(1).forEach(e::println);
                return c.exitCode();
            }
            if (ex instanceof InterruptedException) {
                e.println(name(commandLine) + ": interrupted");
                return ExitCodes.INTERRUPTED;
            }
            e.println(name(commandLine) + ": internal error (a bug of the client): " + ex);
            return EXIT_INTERNAL;
        });
        return cl;
    }

    private static String name(CommandLine cl) {
        return cl.getParent() == null ? cl.getCommandName() : "ist " + cl.getCommandName();
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
