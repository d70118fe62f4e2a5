package dev.ist.worker.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.ist.worker.engine.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the real {@link IstCli} (in this JVM, and once as a child process). */
class TransferCommandTest {
    @TempDir
    Path dir;

    record Outcome(int exit, String out, String err) {
        List<String> errLines() {
            return err.isBlank() ? List.of() : Arrays.asList(err.strip().split("\\R"));
        }
    }

    private static Outcome cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = IstCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path png(String name, int w, int h, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, ((x * 255 / w) << 16) | ((y * 255 / h) << 8) | r.nextInt(256));
            }
        }
        Path p = dir.resolve(name);
        ImageIO.write(img, "png", p.toFile());
        return p;
    }

    private String[] baseArgs(String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("transfer",
                "--content", png("content.png", 64, 48, 1).toString(),
                "--style", png("style.png", 40, 40, 2).toString(),
                "--output", dir.resolve("out.png").toString(),
                "--size", "48",
                "--weights", Fixtures.path("tiny-vgg19-zip.pth").toString()));
        args.addAll(List.of(extra));
        if (!args.contains("--iterations")) {
            args.addAll(List.of("--iterations", "3"));
        }
        return args.toArray(String[]::new);
    }

    @Test
    void aLossThatOverflowsEndsWithItsOwnExitCodeAndNoImage() throws IOException {
        // a style weight beyond float32 makes the very first loss infinite: nothing honest to optimise (the API's
        // default weight limit refuses 1e300, so this run raises it as an operator may)
        System.setProperty("ist.limits.max-weight", "1e301");
        Outcome o;
        try {
            o = cli(baseArgs("--style-weight", "1e300"));
        } finally {
            System.clearProperty("ist.limits.max-weight");
        }
        assertEquals(IstCli.EXIT_NON_FINITE, o.exit(), o.err());
        assertEquals(1, o.errLines().size(), o.err());
        assertTrue(o.err().contains("went non-finite at iteration 0") && o.err().contains("loss Infinity"), o.err());
        assertFalse(Files.exists(dir.resolve("out.png")), "no image is written");
    }

    @Test
    void logJsonPrintsOneObjectPerIterationStartingWithTheInitialImage() throws IOException {
        Outcome o = cli(baseArgs("--log-json", "--iterations", "4"));
        assertEquals(0, o.exit(), o.err());
        String[] lines = o.out().strip().split("\\R");
        assertEquals(5, lines.length, o.out());
        for (int i = 0; i < lines.length; i++) {
            JsonObject json = JsonParser.parseString(lines[i]).getAsJsonObject();
            assertEquals(List.of("iteration", "content", "style", "tv", "total", "elapsed_ms"),
                    new ArrayList<>(json.keySet()));
            assertEquals(i, json.get("iteration").getAsInt());
        }
        JsonObject first = JsonParser.parseString(lines[0]).getAsJsonObject();
        assertEquals(0.0, first.get("content").getAsDouble(), "iteration 0 is the content image");
        assertTrue(first.get("style").getAsDouble() > 0);
        BufferedImage out = ImageIO.read(dir.resolve("out.png").toFile());
        assertEquals(48, out.getWidth());
        assertEquals(36, out.getHeight());
    }

    @Test
    void aForcedTileSizeRunsTiledAndATifOutputHasSixteenBits() throws IOException {
        List<String> args = new ArrayList<>(List.of(baseArgs("--size", "160", "--tile-size", "64", "--iterations", "2")));
        args.set(args.indexOf("--output") + 1, dir.resolve("print.tif").toString());
        int first = args.indexOf("--size"); // the base 48 px; the 160 given above stays
        args.remove(first);
        args.remove(first);
        Outcome o = cli(args.toArray(String[]::new));
        assertEquals(0, o.exit(), o.err());
        assertTrue(o.out().contains("level 160x120: 3x2 tiles of 64 px + 64 px halo"), o.out());
        BufferedImage out = ImageIO.read(dir.resolve("print.tif").toFile());
        assertEquals(160, out.getWidth());
        assertEquals(16, out.getColorModel().getComponentSize(0));
    }

    @Test
    void aMemoryBudgetThatIsNotASizeIsOneLineOfError() throws IOException {
        assertOneLineError(cli(baseArgs("--memory-budget", "lots")), IstCli.EXIT_BAD_INPUT, "--memory-budget");
    }

    @Test
    void randomWeightsByNameProduceAnImage() throws IOException {
        Outcome o = cli("transfer", "--content", png("c.png", 64, 48, 3).toString(),
                "--style", png("s.png", 32, 32, 4).toString(), "--style", png("s2.png", 32, 40, 5).toString(),
                "--style-weights", "0.7,0.3", "--output", dir.resolve("r.jpg").toString(),
                "--size", "32", "--iterations", "2", "--random-weights", "1", "--log-json");
        assertEquals(0, o.exit(), o.err());
        assertEquals(3, o.out().strip().split("\\R").length);
        BufferedImage out = ImageIO.read(dir.resolve("r.jpg").toFile());
        assertEquals(32, out.getWidth());
        assertEquals(24, out.getHeight());
    }

    @Test
    void kerasH5WeightsRunInTheAskedPrecisionAndTheSummarySaysWhich() throws IOException {
        String[] args = baseArgs("--precision", "bf16");
        args[java.util.Arrays.asList(args).indexOf("--weights") + 1] = Fixtures.path("tiny-vgg19-keras.h5").toString();
        Outcome o = cli(args);
        assertEquals(0, o.exit(), o.err());
        assertTrue(o.out().contains("wrote") && o.out().contains("bf16"), o.out());
        assertEquals(48, ImageIO.read(dir.resolve("out.png").toFile()).getWidth());
    }

    @Test
    void withoutLogJsonItPrintsASummary() throws IOException {
        Outcome o = cli(baseArgs("--multiscale", "--preserve-colors", "--init", "noise", "--seed", "3"));
        assertEquals(0, o.exit(), o.err());
        assertTrue(o.out().contains("wrote"), o.out());
        assertTrue(o.err().isBlank(), o.err());
    }

    private void assertOneLineError(Outcome o, int expectedExit, String fragment) {
        assertNotEquals(0, o.exit());
        assertEquals(expectedExit, o.exit(), o.err());
        List<String> lines = o.errLines();
        assertEquals(1, lines.size(), "exactly one line on stderr, got: " + o.err());
        assertTrue(lines.get(0).contains(fragment), lines.get(0));
        assertFalse(o.err().contains("\tat "), "no stack trace");
        assertFalse(Files.exists(dir.resolve("out.png")), "no output on failure");
    }

    @Test
    void aMissingContentFileIsOneLine() throws IOException {
        String[] args = baseArgs();
        args[2] = dir.resolve("missing.png").toString();
        assertOneLineError(cli(args), IstCli.EXIT_BAD_INPUT, "missing.png does not exist");
    }

    @Test
    void aNonImageFileIsOneLine() throws IOException {
        Path text = dir.resolve("notes.png");
        Files.writeString(text, "this is not a picture");
        String[] args = baseArgs();
        args[4] = text.toString();
        assertOneLineError(cli(args), IstCli.EXIT_BAD_INPUT, "not a supported image");
    }

    @Test
    void anEmptyFileIsOneLine() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.png"));
        String[] args = baseArgs();
        args[2] = empty.toString();
        assertOneLineError(cli(args), IstCli.EXIT_BAD_INPUT, "empty");
    }

    @Test
    void aZeroSizedImageIsOneLine() throws IOException {
        // a PNG whose header declares 0x0 pixels
        byte[] png = Files.readAllBytes(png("z.png", 2, 2, 1));
        Arrays.fill(png, 16, 24, (byte) 0);
        Path zero = dir.resolve("zero.png");
        Files.write(zero, png);
        String[] args = baseArgs();
        args[2] = zero.toString();
        Outcome o = cli(args);
        assertOneLineError(o, IstCli.EXIT_BAD_INPUT, "zero.png");
    }

    @Test
    void anImageAboveThePixelLimitIsOneLine() throws IOException {
        String[] args = baseArgs();
        System.setProperty("ist.engine.max-pixels", "1000");
        try {
            assertOneLineError(cli(args), IstCli.EXIT_BAD_INPUT, "above the limit of 1000");
        } finally {
            System.clearProperty("ist.engine.max-pixels");
        }
    }

    @Test
    void unknownLayersAreOneLine() throws IOException {
        assertOneLineError(cli(baseArgs("--style-layers", "relu1_1,relu9_1")), IstCli.EXIT_BAD_INPUT,
                "--style-layers: unknown layer \"relu9_1\"");
        assertOneLineError(cli(baseArgs("--content-layers", "fc7")), IstCli.EXIT_BAD_INPUT,
                "--content-layers: unknown layer");
    }

    @Test
    void negativeWeightsAreOneLine() throws IOException {
        assertOneLineError(cli(baseArgs("--style-weight", "-5")), IstCli.EXIT_BAD_INPUT, "--style-weight must be");
        assertOneLineError(cli(baseArgs("--tv-weight", "-1")), IstCli.EXIT_BAD_INPUT, "--tv-weight must be");
        assertOneLineError(cli(baseArgs("--style-weights", "-1")), IstCli.EXIT_BAD_INPUT,
                "--style-weights (value 1) must be > 0");
    }

    @Test
    void aMissingWeightsFileIsOneLine() throws IOException {
        String[] args = baseArgs();
        args[args.length - 3] = dir.resolve("vgg19-dcbb9e9d.pth").toString();
        assertOneLineError(cli(args), IstCli.EXIT_WEIGHTS, "vgg19-dcbb9e9d.pth does not exist");
    }

    @Test
    void aChecksumMismatchIsOneLine() throws IOException {
        Path renamed = dir.resolve("vgg19-deadbeef.pth");
        Files.copy(Fixtures.path("tiny-vgg19-zip.pth"), renamed);
        String[] args = baseArgs();
        args[args.length - 3] = renamed.toString();
        assertOneLineError(cli(args), IstCli.EXIT_WEIGHTS, "checksum mismatch");
    }

    @Test
    void badOptionValuesAreOneLine() throws IOException {
        assertOneLineError(cli(baseArgs("--iterations", "many")), IstCli.EXIT_BAD_INPUT, "many");
        assertOneLineError(cli(baseArgs("--optimizer", "sgd")), IstCli.EXIT_BAD_INPUT, "option '--optimizer': expected one of [LBFGS, ADAM]");
        assertOneLineError(cli(baseArgs("--precision", "half")), IstCli.EXIT_BAD_INPUT, "option '--precision': expected one of [FP32, BF16, AUTO]");
        assertOneLineError(cli(baseArgs("--random-weights", "1")), IstCli.EXIT_BAD_INPUT, "mutually exclusive");
        assertOneLineError(cli(baseArgs("--style-weights", "0.5,0.5")), IstCli.EXIT_BAD_INPUT, "--style-weights has 2");
        assertOneLineError(cli(baseArgs("--size", "8")), IstCli.EXIT_BAD_INPUT, "size");
    }

    @Test
    void theMainEntryPointExitsNonZeroWithOneLineInAChildProcess() throws Exception {
        String[] args = baseArgs("--content-weight", "-1");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("surefire.test.class.path",
                        System.getProperty("java.class.path")), IstCli.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(IstCli.EXIT_BAD_INPUT, p.exitValue(), err);
        assertEquals(1, err.strip().split("\\R").length, err);
        assertTrue(err.startsWith("transfer: error: --content-weight must be >= 0"), err);
    }
}
