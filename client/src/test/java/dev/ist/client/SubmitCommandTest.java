package dev.ist.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubmitCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Path png(String name) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, new byte[]{(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0});
        return p;
    }

    private SubmitCommand parse(String... args) {
        CommandLine cl = IstClient.commandLine(new PrintStream(out), new PrintStream(err));
        CommandLine.ParseResult r = cl.parseArgs(args);
        return (SubmitCommand) r.subcommand().commandSpec().userObject();
    }

    @Test
    void eachStyleMaskBelongsToTheStyleBeforeIt() throws IOException {
        Path c = png("c.png"), s1 = png("s1.png"), s2 = png("s2.png"), s3 = png("s3.png"), m = png("m.png");
        Path cm = png("cm.png");
        SubmitCommand cmd = parse("submit", c.toString(), s1.toString(), s2.toString(), "--style-mask", m.toString(),
                s3.toString(), "--style-mask", m.toString(), "--content-mask", cm.toString());
        assertEquals(List.of(s1, s2, s3), cmd.styles);
        assertEquals(List.of(1, 2), List.copyOf(cmd.styleMasks.keySet()));
        assertEquals(List.of("content", "style", "style", "style", "mask1", "mask2", "contentMask"),
                cmd.multipart().names());
    }

    @Test
    void aStyleMaskBeforeAnyStyleIsAUsageError() throws IOException {
        Path c = png("c.png"), m = png("m.png");
        int code = IstClient.run(new String[]{"submit", "--style-mask", m.toString(), c.toString()},
                new PrintStream(out), new PrintStream(err));
        assertEquals(ExitCodes.USAGE, code);
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.startsWith("ist submit: error: --style-mask " + m + " must come right after the STYLE"), e);
        assertEquals(1, e.lines().count(), "one line, no stack trace");
    }

    @Test
    void onlyTheOptionsGivenAreSentWithTheGatewaysNames() throws IOException {
        Path c = png("c.png"), s = png("s.png");
        SubmitCommand cmd = parse("submit", c.toString(), s.toString(), "--size", "64", "--optimizer", "adam",
                "--multi-scale", "--color-transfer", "histogram", "--style-layers", "relu1_1,relu2_1");
        assertEquals("{\"size\":64,\"optimizer\":\"ADAM\",\"colorTransfer\":\"HISTOGRAM\",\"multiScale\":true,"
                + "\"styleLayers\":[\"relu1_1\",\"relu2_1\"]}", cmd.options().toString());
        assertEquals("{}", parse("submit", c.toString(), s.toString()).options().toString());
    }

    @Test
    void priorityDeadlineWebhookAndWeightsAreFormFields() throws IOException {
        Path c = png("c.png"), s1 = png("s1.png"), s2 = png("s2.png");
        SubmitCommand cmd = parse("submit", c.toString(), s1.toString(), s2.toString(), "--style-weights", "0.7,0.3",
                "--priority", "high", "--deadline", "90s", "--webhook", "https://hooks.example.org/x");
        assertEquals(List.of("content", "style", "style", "styleWeights", "webhook", "deadline", "priority"),
                cmd.multipart().names());
    }

    @Test
    void styleWeightsMustMatchTheStyles() throws IOException {
        Path c = png("c.png"), s = png("s.png");
        SubmitCommand cmd = parse("submit", c.toString(), s.toString(), "--style-weights", "0.7,0.3");
        ClientException e = assertThrows(ClientException.class, cmd::multipart);
        assertEquals(ExitCodes.USAGE, e.exitCode());
    }

    @Test
    void anUnreadableImageIsAUsageErrorBeforeAnyRequest() {
        int code = IstClient.run(new String[]{"submit", dir.resolve("missing.png").toString(),
                "--gateway", "http://127.0.0.1:1"}, new PrintStream(out), new PrintStream(err));
        assertEquals(ExitCodes.USAGE, code);
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("cannot read " + dir.resolve("missing.png")), e);
        assertFalse(e.contains("Exception"), e);
    }

    @Test
    void aBadNumberOrUnknownOptionIsOneLineAndExitTwo() throws IOException {
        Path c = png("c.png");
        assertEquals(ExitCodes.USAGE, IstClient.run(new String[]{"submit", c.toString(), "--size", "big"},
                new PrintStream(out), new PrintStream(err)));
        assertEquals(ExitCodes.USAGE, IstClient.run(new String[]{"submit", c.toString(), "--colour", "x"},
                new PrintStream(out), new PrintStream(err)));
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(2, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).contains("'big'"), lines.get(0));
        assertTrue(lines.get(1).contains("Unknown option: '--colour'"), lines.get(1));
    }

    @Test
    void anUnreachableGatewayExitsThree() throws IOException {
        Path c = png("c.png"), s = png("s.png");
        // port 1 on loopback: nothing listens there
        int code = IstClient.run(new String[]{"submit", c.toString(), s.toString(), "--gateway", "http://127.0.0.1:1"},
                new PrintStream(out), new PrintStream(err));
        assertEquals(ExitCodes.GATEWAY, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("ist submit: cannot reach the gateway at "
                + "http://127.0.0.1:1"));
    }

    @Test
    void theWaitIsBoundedAsTheGatewayBoundsIt() throws IOException {
        Path c = png("c.png"), s = png("s.png");
        assertEquals(ExitCodes.USAGE, IstClient.run(new String[]{"submit", c.toString(), s.toString(), "--wait", "61"},
                new PrintStream(out), new PrintStream(err)));
    }
}
