package dev.ist.worker.cli;

import dev.ist.worker.engine.Backpropagation;
import dev.ist.worker.engine.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The same {@code ist transfer} repeated gives the same bytes and the same losses every time, L-BFGS and Adam, on the
 * images that showed the engine's nondeterminism (a smooth photo and a noisy style, 64 px, random VGG19): before the
 * fix, 8 runs of this L-BFGS transfer gave 4 different results, two of them NaN. Two of the runs force a garbage
 * collection before every backward pass, which made the old code wrong on every run.
 */
class RepeatedTransfersTest {
    private static final int RUNS = 6;
    private static final int STRESSED_RUNS = 2;

    @TempDir
    Path dir;

    @Test
    void lbfgsGivesOneResult() throws IOException {
        assertOneResult("lbfgs", "10");
    }

    @Test
    void adamGivesOneResult() throws IOException {
        assertOneResult("adam", "30");
    }

    private void assertOneResult(String optimizer, String iterations) throws IOException {
        Set<String> results = new LinkedHashSet<>();
        for (int i = 0; i < RUNS + STRESSED_RUNS; i++) {
            boolean stressed = i >= RUNS;
            if (stressed) {
                System.setProperty(Backpropagation.COLLECT_PROPERTY, "true");
            }
            try {
                results.add(run(optimizer, iterations, i));
            } finally {
                System.clearProperty(Backpropagation.COLLECT_PROPERTY);
            }
        }
        assertEquals(1, results.size(), "distinct results of " + (RUNS + STRESSED_RUNS) + " runs:\n"
                + String.join("\n", results));
    }

    /** One run's output digest and its per-iteration losses. */
    private String run(String optimizer, String iterations, int index) throws IOException {
        Path output = dir.resolve(optimizer + "-" + index + ".png");
        List<String> args = new ArrayList<>(List.of("transfer",
                "--content", Fixtures.path("determinism/content.png").toString(),
                "--style", Fixtures.path("determinism/style.png").toString(),
                "--output", output.toString(), "--size", "64", "--iterations", iterations,
                "--optimizer", optimizer, "--random-weights", "1", "--seed", "1", "--log-json"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = IstCli.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
        String log = out.toString(StandardCharsets.UTF_8);
        assertFalse(log.contains("null") || log.contains("NaN"), "a NaN loss in run " + index + ": " + log);
        StringBuilder losses = new StringBuilder();
        for (String line : log.strip().split("\\R")) {
            // every term of every iteration, not the elapsed time
            losses.append(line.replaceAll(",\"elapsed_ms\":\\d+", "")).append('\n');
        }
        return sha256(Files.readAllBytes(output)) + "\n" + losses;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
