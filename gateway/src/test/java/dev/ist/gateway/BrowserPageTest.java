package dev.ist.gateway;

import dev.ist.gateway.support.IstTestResource;
import dev.ist.gateway.support.TestEnv;
import dev.ist.testkit.TestImages;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The web page in a real browser: Debian's headless Chromium driven by playwright-core (node), against the running
 * gateway, the real broker and S3, and the worker stand-in. The script submits a job, watches the progress bar,
 * preview and loss chart move, sees the result, tries a bad file, and saves screenshots under target/screenshots.
 */
@QuarkusTest
@WithTestResource(IstTestResource.class)
class BrowserPageTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void aUserSubmitsAJobWatchesItProgressGetsTheResultAndSeesAReadableErrorForABadFile() throws Exception {
        Path browserDir = Path.of(System.getProperty("ist.browser.dir", "src/test/browser")).toAbsolutePath();
        Path screenshots = Path.of(System.getProperty("ist.screenshot.dir", "target/screenshots")).toAbsolutePath();
        String chromium = System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium");
        requireTools(browserDir, chromium);

        Path fixtures = Files.createDirectories(Path.of("target", "browser-fixtures").toAbsolutePath());
        Path content = Files.write(fixtures.resolve("content.png"), TestImages.gradientPng(96, 64));
        Path style = Files.write(fixtures.resolve("style.png"), TestImages.checkerboardPng(48, 48, 6));
        Path bad = Files.writeString(fixtures.resolve("notes.txt"), "these are notes, not a photo\n");

        ProcessBuilder pb = new ProcessBuilder("node", browserDir.resolve("page.test.mjs").toString(),
                base.toString(), TestEnv.PAGE_KEY, content.toString(), style.toString(), bad.toString(),
                screenshots.toString())
                .directory(browserDir.toFile())
                .redirectErrorStream(true);
        pb.environment().put("CHROMIUM_PATH", chromium);
        Process node = pb.start();
        byte[] out;
        try (var in = node.getInputStream()) {
            out = in.readAllBytes();
        }
        boolean ended = node.waitFor(180, TimeUnit.SECONDS);
        if (!ended) {
            node.destroyForcibly();
        }
        String output = new String(out, StandardCharsets.UTF_8);
        System.out.println("---- browser test output ----\n" + output + "-----------------------------");
        assertTrue(ended, "the browser script did not end within 180 s");
        assertEquals(0, node.exitValue(), "browser script failed:\n" + output);
        assertTrue(output.contains("PAGE-TEST OK"), output);
        assertTrue(Files.size(screenshots.resolve("page-succeeded.png")) > 10_000, "screenshot written");
    }

    /** Fails with the command that fixes it when node, the npm packages or Chromium are missing. */
    private static void requireTools(Path browserDir, String chromium) {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor() != 0) {
                fail("`node --version` failed: install Node.js (apt-get install -y nodejs npm)");
            }
        } catch (IOException | InterruptedException e) {
            fail("Node.js is not installed (needed to drive the browser): apt-get install -y nodejs npm");
        }
        if (!Files.isDirectory(browserDir.resolve("node_modules").resolve("playwright-core"))) {
            fail("playwright-core is not installed in " + browserDir
                    + ": run `npm ci --prefix gateway/src/test/browser` (the CI script .ci/run does)");
        }
        if (!Files.isExecutable(Path.of(chromium))) {
            fail("Chromium is not installed at " + chromium + ": apt-get install -y chromium"
                    + " (or point CHROMIUM_PATH at a Chromium binary)");
        }
        List.of(browserDir.resolve("page.test.mjs")).forEach(f -> {
            if (!Files.exists(f)) {
                fail("missing browser script " + f);
            }
        });
    }
}
