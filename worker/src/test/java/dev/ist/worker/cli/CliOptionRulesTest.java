package dev.ist.worker.cli;

import dev.ist.common.job.ColorTransfer;
import dev.ist.common.job.FieldError;
import dev.ist.common.job.JobLimits;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.JobValidator;
import dev.ist.common.job.Optimizer;
import dev.ist.common.job.Precision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ist transfer} and the API meet the same {@link JobValidator} with the same limits: a set of options the API
 * refuses, the command line refuses (exit 2, one line naming the flag), and the other way round. The image files do
 * not exist: a refusal comes before any image is read, and an accepted set gets as far as reading the content.
 */
class CliOptionRulesTest {
    @TempDir
    Path dir;

    /** One option set in both spellings: flags for the CLI, the same choice on the API's builder. */
    record Row(List<String> flags, UnaryOperator<JobOptions.Builder> api) {
        static Row of(UnaryOperator<JobOptions.Builder> api, String... flags) {
            return new Row(List.of(flags), api);
        }
    }

    private static final List<Row> TABLE = List.of(
            Row.of(b -> b.iterations(0), "--iterations", "0"),
            Row.of(b -> b.iterations(1), "--iterations", "1"),
            Row.of(b -> b.iterations(5000), "--iterations", "5000"),
            Row.of(b -> b.iterations(5001), "--iterations", "5001"),
            Row.of(b -> b.styleScale(6), "--style-scale", "6"),
            Row.of(b -> b.styleScale(4), "--style-scale", "4"),
            Row.of(b -> b.styleScale(0), "--style-scale", "0"),
            Row.of(b -> b.size(15), "--size", "15"),
            Row.of(b -> b.size(2048), "--size", "2048"),
            Row.of(b -> b.size(2049), "--size", "2049"),
            Row.of(b -> b.contentWeight(-1), "--content-weight", "-1"),
            Row.of(b -> b.styleWeight(1e10), "--style-weight", "1e10"),
            Row.of(b -> b.tvWeight(-0.1), "--tv-weight", "-0.1"),
            Row.of(b -> b.learningRate(0.0), "--lr", "0"),
            Row.of(b -> b.learningRate(1001.0), "--lr", "1001"),
            Row.of(b -> b.learningRate(0.5).optimizer(Optimizer.ADAM), "--lr", "0.5", "--optimizer", "adam"),
            Row.of(b -> b.emaDecay(1), "--ema-decay", "1"),
            Row.of(b -> b.emaDecay(0.9), "--ema-decay", "0.9"),
            Row.of(b -> b.contentMaskWeight(0.5), "--content-mask-weight", "0.5"),
            Row.of(b -> b.contentMaskWeight(101), "--content-mask-weight", "101"),
            Row.of(b -> b.preserveColors(true).colorTransfer(ColorTransfer.HISTOGRAM),
                    "--preserve-colors", "--color-transfer", "histogram"),
            Row.of(b -> b.preserveColors(true).colorTransfer(ColorTransfer.LUMINANCE),
                    "--preserve-colors", "--color-transfer", "luminance"),
            Row.of(b -> b.styleLayers(List.of("relu1_1", "relu9_1")), "--style-layers", "relu1_1,relu9_1"),
            Row.of(b -> b.styleLayers(List.of("relu1_1", "relu1_1")), "--style-layers", "relu1_1,relu1_1"),
            Row.of(b -> b.contentLayers(List.of("conv5_2")), "--content-layers", "conv5_2"),
            Row.of(b -> b.styleLayerWeights(Map.of("relu5_1", -1.0)), "--style-layer-weights", "relu5_1=-1"),
            Row.of(b -> b.styleLayerWeights(Map.of("relu4_1", 2.0)), "--style-layer-weights", "relu4_1=2"),
            Row.of(b -> b.styleLayerWeights(Map.of("relu9_1", 2.0)), "--style-layer-weights", "relu9_1=2"),
            Row.of(b -> b.size(8).iterations(0).styleScale(5), "--size", "8", "--iterations", "0",
                    "--style-scale", "5"));

    record Outcome(int exit, String err) {
    }

    private List<String> args(List<String> flags) {
        List<String> args = new ArrayList<>(List.of("transfer", "--content", dir.resolve("c.png").toString(),
                "--style", dir.resolve("s.png").toString(), "--output", dir.resolve("o.png").toString(),
                "--random-weights", "1"));
        args.addAll(flags);
        return args;
    }

    private Outcome cli(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = IstCli.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(exit, err.toString(StandardCharsets.UTF_8).strip());
    }

    /** The options the CLI would submit, read the way {@code ist transfer} reads its flags. */
    private JobOptions parsed(List<String> args) {
        CommandLine cl = IstCli.commandLine(System.out, System.err);
        CommandLine.ParseResult result = cl.parseArgs(args.toArray(String[]::new));
        TransferCommand command = (TransferCommand) result.subcommand().commandSpec().userObject();
        return command.jobOptions();
    }

    @Test
    void theCliAndTheApiRefuseTheSameOptionSets() {
        JobValidator api = new JobValidator(JobLimits.defaults());
        int refused = 0;
        for (Row row : TABLE) {
            // the CLI names AUTO explicitly where a JSON submit leaves the worker's default
            JobOptions apiOptions = row.api().apply(JobOptions.builder().precision(Precision.AUTO)).build();
            List<String> args = args(row.flags());
            assertEquals(apiOptions, parsed(args), "the flags " + row.flags() + " mean the API's options");

            List<FieldError> apiErrors = api.validateOptions(apiOptions);
            Outcome o = cli(args);
            assertEquals(IstCli.EXIT_BAD_INPUT, o.exit(), o.err());
            assertEquals(1, o.err().lines().count(), o.err());
            if (apiErrors.isEmpty()) {
                assertTrue(o.err().contains("c.png does not exist"), row.flags() + " passes the validator: " + o.err());
            } else {
                refused++;
                assertFalse(o.err().contains("does not exist"), row.flags() + " is refused before reading: " + o.err());
                for (FieldError e : apiErrors) {
                    assertTrue(o.err().contains(OptionCheck.describe(e)), e + " as a flag in: " + o.err());
                }
            }
        }
        assertTrue(refused >= TABLE.size() / 2, "the table is mostly refusals: " + refused);
    }

    @Test
    void theIssuesThreeCasesAreRefusedWithTheApisWordsAndTheirFlags() {
        Outcome scale = cli(args(List.of("--style-scale", "6")));
        assertEquals(IstCli.EXIT_BAD_INPUT, scale.exit(), scale.err());
        assertEquals("transfer: error: --style-scale must be > 0 and <= 4.0, was 6.0", scale.err());

        Outcome iterations = cli(args(List.of("--iterations", "0")));
        assertEquals(IstCli.EXIT_BAD_INPUT, iterations.exit(), iterations.err());
        assertEquals("transfer: error: --iterations must be between 1 and 5000, was 0", iterations.err());

        Outcome colours = cli(args(List.of("--preserve-colors", "--color-transfer", "HISTOGRAM")));
        assertEquals(IstCli.EXIT_BAD_INPUT, colours.exit(), colours.err());
        assertEquals("transfer: error: --color-transfer: HISTOGRAM contradicts --preserve-colors (its old name for "
                + "LUMINANCE); set one of them", colours.err());
    }

    @Test
    void everyJobOptionACliUserCanSetIsNamedByItsFlag() {
        for (RecordComponent c : JobOptions.class.getRecordComponents()) {
            if (List.of("mode", "model").contains(c.getName())) {
                continue; // feed-forward jobs are the gateway's; ist transfer optimises
            }
            String flag = OptionCheck.flag("options." + c.getName());
            assertTrue(flag.startsWith("--"), c.getName() + " has no flag: " + flag);
        }
        assertEquals("--lr", OptionCheck.flag("options.learningRate"));
        assertEquals("--multiscale", OptionCheck.flag("options.multiScale"));
    }

    @Test
    void anUnknownEnumValueIsRefusedByTheParserListingTheChoices() {
        Outcome o = cli(args(List.of("--optimizer", "foo")));
        assertEquals(IstCli.EXIT_BAD_INPUT, o.exit(), o.err());
        assertTrue(o.err().contains("'--optimizer'") && o.err().contains("[LBFGS, ADAM]")
                && o.err().contains("'foo'"), o.err());
    }

    @Test
    void theLimitsAreConfiguredAsTheWorkersAre() {
        System.setProperty("ist.limits.max-iterations", "100");
        System.setProperty("ist.limits.max-style-scale", "8");
        try {
            Outcome over = cli(args(List.of("--iterations", "101", "--style-scale", "6")));
            assertEquals("transfer: error: --iterations must be between 1 and 100, was 101", over.err());
        } finally {
            System.clearProperty("ist.limits.max-iterations");
            System.clearProperty("ist.limits.max-style-scale");
        }
    }

    @Test
    void styleCountAndBlendWeightsMeetTheApisRulesToo() {
        List<String> flags = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            flags.addAll(List.of("--style", dir.resolve("more" + i + ".png").toString()));
        }
        Outcome five = cli(args(flags));
        assertEquals("transfer: error: --style: at most 4 style images are allowed, got 5", five.err());

        Outcome zero = cli(args(List.of("--style-weights", "0")));
        assertEquals("transfer: error: --style-weights (value 1) must be > 0 and <= 1.0E9, was 0.0", zero.err());
    }
}
