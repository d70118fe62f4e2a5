package dev.ist.worker.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.io.PrintWriter;

/**
 * {@code ist}: the command line of the worker module. Subcommands: {@code transfer} (one local style
 * transfer) and {@code bench} (engine benchmark); others (e.g. {@code worker}) register themselves in
 * {@link #commandLine(PrintStream, PrintStream)}. User errors print one line on stderr and exit non-zero.
 */
@Command(name = "ist", mixinStandardHelpOptions = true, version = "ist 0.1.0",
        description = "IST - image style transfer (Gatys et al.) on VGG19",
        subcommands = {TransferCommand.class, BenchCommand.class, WorkerCommand.class, DlqCommand.class,
                CommandLine.HelpCommand.class})
public final class IstCli implements Runnable {
    /** Exit code for bad input (unreadable images, bad options). */
    public static final int EXIT_BAD_INPUT = 2;
    /** Exit code for missing, corrupt or mismatching weights. */
    public static final int EXIT_WEIGHTS = 3;
    /** Exit code for running out of memory. */
    public static final int EXIT_OUT_OF_MEMORY = 4;
    /** The optimisation went NaN or infinite and could not recover; no output was written. */
    public static final int EXIT_NON_FINITE = 5;
    /** Exit code for a cancelled run. */
    public static final int EXIT_CANCELLED = 130;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the CLI in this JVM (tests use this) and returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        quietLibraries();
        return commandLine(out, err).execute(args);
    }

    public static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new IstCli());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        // --optimizer adam as well as ADAM: the API's enum names, typed as users type them
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine().getErr().println(ex.getCommandLine().getCommandName() + ": error: " + ex.getMessage()
                    + " (see --help)");
            return EXIT_BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println(commandLine.getCommandName() + ": error: " + ErrorMessages.describe(ex));
            return ErrorMessages.exitCode(ex);
        });
        return cl;
    }

    /** DJL logs engine start-up at INFO/WARN; the CLI keeps stderr for real errors. */
    static void quietLibraries() {
        if (System.getProperty("org.slf4j.simpleLogger.log.ai.djl") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.ai.djl", "error");
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
