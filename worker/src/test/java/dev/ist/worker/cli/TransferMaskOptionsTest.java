package dev.ist.worker.cli;

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
import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ist transfer}'s masks, colour transfer, style loss, layer weights and EMA options, run through the real CLI. */
class TransferMaskOptionsTest {
    @TempDir
    Path dir;

    private record Outcome(int exit, String out, String err) {
        List<String> errLines() {
            return err.isBlank() ? List.of() : Arrays.asList(err.strip().split("\\R"));
        }
    }

    private static Outcome cli(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = IstCli.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path image(String name, int w, int h, int rgb) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int d = ((x * 7 + y * 13) % 40) - 20;
                int r = Math.max(0, Math.min(255, ((rgb >> 16) & 0xff) + d));
                int g = Math.max(0, Math.min(255, ((rgb >> 8) & 0xff) + d));
                int b = Math.max(0, Math.min(255, (rgb & 0xff) + d));
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        Path p = dir.resolve(name);
        ImageIO.write(img, "png", p.toFile());
        return p;
    }

    private Path half(String name, int w, int h, boolean right) throws IOException {
        BufferedImage m = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                m.getRaster().setSample(x, y, 0, (x < w / 2) != right ? 255 : 0);
            }
        }
        Path p = dir.resolve(name);
        ImageIO.write(m, "png", p.toFile());
        return p;
    }

    private List<String> args(String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("transfer",
                "--content", image("content.png", 64, 48, 0x808080).toString(),
                "--output", dir.resolve("out.png").toString(), "--size", "64", "--iterations", "30",
                "--style-weight", "1e4",
                "--weights", Fixtures.path("tiny-vgg19-zip.pth").toString()));
        args.addAll(List.of(extra));
        return args;
    }

    private void assertOneLineError(Outcome o, String fragment) {
        assertEquals(IstCli.EXIT_BAD_INPUT, o.exit(), o.err());
        List<String> lines = o.errLines();
        assertEquals(1, lines.size(), "exactly one line on stderr, got: " + o.err());
        assertTrue(lines.get(0).contains(fragment), lines.get(0));
        assertFalse(o.err().contains("\tat "), "no stack trace");
        assertFalse(Files.exists(dir.resolve("out.png")), "no output on failure");
    }

    private static double redness(BufferedImage img, int x0, int x1) {
        double sum = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = x0; x < x1; x++) {
                int p = img.getRGB(x, y);
                sum += ((p >> 16) & 0xff) - (p & 0xff);
            }
        }
        return sum / (img.getHeight() * (x1 - x0));
    }

    @Test
    void eachStyleMaskBelongsToTheStyleBeforeItAndSplitsTheOutput() throws IOException {
        Outcome o = cli(args("--style", image("red.png", 40, 40, 0xd02010).toString(),
                "--style-mask", half("left.png", 128, 96, false).toString(),
                "--style", image("blue.png", 40, 40, 0x1030d0).toString(),
                "--style-mask=" + half("right.png", 64, 48, true),
                "--color-transfer", "none", "--style-loss", "gram", "--ema-decay", "0.5",
                "--style-layer-weights", "relu1_1=2,relu5_1=0.5"));
        assertEquals(0, o.exit(), o.err());
        BufferedImage out = ImageIO.read(dir.resolve("out.png").toFile());
        double left = redness(out, 0, 32);
        double right = redness(out, 32, 64);
        assertTrue(left > right + 40, "left " + left + " red, right " + right + " blue");
    }

    @Test
    void aStyleMaskBeforeAnyStyleIsOneLine() throws IOException {
        assertOneLineError(cli(args("--style-mask", half("left.png", 64, 48, false).toString(),
                "--style", image("red.png", 40, 40, 0xd02010).toString())), "comes before any --style");
    }

    @Test
    void aMaskOfTheWrongAspectIsOneLine() throws IOException {
        assertOneLineError(cli(args("--style", image("red.png", 40, 40, 0xd02010).toString(),
                "--style-mask", half("square.png", 48, 48, false).toString())), "--style-mask");
    }

    @Test
    void aMaskThatIsNotAnImageIsOneLine() throws IOException {
        Path text = dir.resolve("mask.png");
        Files.writeString(text, "no pixels here");
        assertOneLineError(cli(args("--style", image("red.png", 40, 40, 0xd02010).toString(),
                "--content-mask", text.toString())), "not a supported image");
    }

    @Test
    void aMissingMaskFileIsOneLine() throws IOException {
        assertOneLineError(cli(args("--style", image("red.png", 40, 40, 0xd02010).toString(),
                "--style-image-mask", dir.resolve("nowhere.png").toString())), "nowhere.png does not exist");
    }

    @Test
    void anUnknownColourTransferOrLayerWeightIsOneLine() throws IOException {
        assertOneLineError(cli(args("--style", image("red.png", 40, 40, 0xd02010).toString(),
                "--color-transfer", "sepia")), "option '--color-transfer': expected one of [NONE, LUMINANCE, HISTOGRAM]");
        assertOneLineError(cli(args("--style", image("red.png", 40, 40, 0xd02010).toString(),
                "--style-layer-weights", "relu9_1=1")), "--style-layer-weights relu9_1 is not one of --style-layers");
    }
}
