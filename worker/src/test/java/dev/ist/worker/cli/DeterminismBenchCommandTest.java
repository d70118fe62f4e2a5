package dev.ist.worker.cli;

import dev.ist.worker.engine.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ist bench --determinism}: real child JVMs running the real CLI. */
class DeterminismBenchCommandTest {

    @Test
    void repeatsATransferInFreshJvmsAndCountsOneResult() {
        PrintStream stdout = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            exit = IstCli.run(new String[] {"bench", "--determinism", "2", "--stress-gc", "--",
                    "--content", Fixtures.path("determinism/content.png").toString(),
                    "--style", Fixtures.path("determinism/style.png").toString(),
                    "--size", "48", "--iterations", "3", "--weights", Fixtures.path("tiny-vgg19-zip.pth").toString(),
                    "--output", "ignored.jpg"},
                    System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, printed + err.toString(StandardCharsets.UTF_8));
        assertTrue(printed.contains("distinct results: 1 of 2 runs"), printed);
        assertTrue(printed.lines().filter(l -> l.matches("\\s+[12]\\s+0\\s+[0-9a-f]{16}\\s.*")).count() == 2,
                "two runs that exited 0 with an output digest:\n" + printed);
    }

    @Test
    void refusesToRunWithoutATransfer() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = IstCli.run(new String[] {"bench", "--determinism", "3"}, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(IstCli.EXIT_BAD_INPUT, exit);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("needs the transfer to repeat after --"),
                err.toString(StandardCharsets.UTF_8));
    }
}
