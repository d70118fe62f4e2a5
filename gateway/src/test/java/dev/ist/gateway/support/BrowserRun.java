package dev.ist.gateway.support;

import dev.ist.testkit.TestImages;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs the page script ({@code src/test/browser/page.test.mjs}) in node, which drives Debian's headless Chromium
 * through playwright-core against a running gateway. Fails with the command that fixes it when a tool is missing.
 */
public final class BrowserRun {

    /** How long one script may run before it is killed and the test fails. */
    private static final int SCRIPT_LIMIT_SECONDS = 180;

    private BrowserRun() {
    }

    /** The house style the page's model picker must list (the script checks for "page-house"). */
    private static void registerPageModel() throws IOException {
        byte[] onnx;
        try (var in = BrowserRun.class.getResourceAsStream("/fastmodel/tiny-style.onnx")) {
            onnx = in.readAllBytes();
        }
        try (var store = TestEnv.newStore()) {
            new dev.ist.common.model.ModelRegistry(store).register(new dev.ist.common.model.ModelInfo("page-house",
                    "tiny test network", 0, 0, 0, 0, 0, 0, null, null, java.time.Instant.now()).withDefaults(),
                    onnx, null, null);
        }
    }

    /**
     * @param apiKey         the key the page is given, or null when the gateway allows anonymous access
     * @param screenshotName folder under target/screenshots for this run's screenshots
     * @return the script's output
     */
    public static String run(URI base, String apiKey, String screenshotName) throws Exception {
        Path browserDir = Path.of(System.getProperty("ist.browser.dir", "src/test/browser")).toAbsolutePath();
        Path screenshots = Path.of(System.getProperty("ist.screenshot.dir", "target/screenshots"))
                .resolve(screenshotName).toAbsolutePath();
        String chromium = System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium");
        requireTools(browserDir, chromium);

        Path fixtures = Files.createDirectories(Path.of("target", "browser-fixtures").toAbsolutePath());
        Path content = Files.write(fixtures.resolve("content.png"), TestImages.gradientPng(96, 64));
        Path style = Files.write(fixtures.resolve("style.png"), TestImages.checkerboardPng(48, 48, 6));
        Path bad = Files.writeString(fixtures.resolve("notes.txt"), "these are notes, not a photo\n");
        registerPageModel();

        String output = node(browserDir, chromium, "page.test.mjs", List.of(base.toString(),
                apiKey == null ? "-" : apiKey, content.toString(), style.toString(), bad.toString(),
                screenshots.toString()), "PAGE-TEST OK", screenshotName);
        assertTrue(Files.size(screenshots.resolve("page-succeeded.png")) > 10_000, "screenshot written");
        return output;
    }

    /**
     * Runs {@code quote.test.mjs}: the quote, the too-large-for-fleet answer and the accepted job's estimate on the
     * page, against a gateway whose fleet the caller has advertised (see {@link FleetAdverts}).
     *
     * @param content a 4:3 content photo (the sizes the script picks are chosen for that shape)
     */
    public static String runQuote(URI base, String apiKey, byte[] content, String screenshotName) throws Exception {
        Path browserDir = Path.of(System.getProperty("ist.browser.dir", "src/test/browser")).toAbsolutePath();
        Path screenshots = Path.of(System.getProperty("ist.screenshot.dir", "target/screenshots"))
                .resolve(screenshotName).toAbsolutePath();
        String chromium = System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium");
        requireTools(browserDir, chromium);
        Path fixtures = Files.createDirectories(Path.of("target", "browser-fixtures").toAbsolutePath());
        Path photo = Files.write(fixtures.resolve("quote-content.png"), content);
        Path style = Files.write(fixtures.resolve("quote-style.png"), TestImages.checkerboardPng(40, 40, 5));
        String output = node(browserDir, chromium, "quote.test.mjs", List.of(base.toString(), apiKey,
                photo.toString(), style.toString(), screenshots.toString()), "QUOTE-TEST OK", screenshotName);
        assertTrue(Files.size(screenshots.resolve("quote-fits.png")) > 10_000, "screenshot written");
        return output;
    }

    /**
     * Runs {@code options.test.mjs}: the form's bounds and defaults are the gateway's {@code GET /v1/options}, against a
     * gateway configured with these limits.
     */
    public static String runOptions(URI base, String apiKey, int maxIterations, int maxSize, String screenshotName)
            throws Exception {
        Path browserDir = Path.of(System.getProperty("ist.browser.dir", "src/test/browser")).toAbsolutePath();
        Path screenshots = Path.of(System.getProperty("ist.screenshot.dir", "target/screenshots"))
                .resolve(screenshotName).toAbsolutePath();
        String chromium = System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium");
        requireTools(browserDir, chromium);
        return node(browserDir, chromium, "options.test.mjs", List.of(base.toString(), apiKey,
                Integer.toString(maxIterations), Integer.toString(maxSize), screenshots.toString()),
                "OPTIONS-TEST OK", screenshotName);
    }

    /**
     * Runs one browser script in node and fails unless it ends with 0 and prints {@code okLine}. The output goes to a
     * file, not a pipe: a pipe read would block until every process holding it (Chromium's helpers too) had exited,
     * and the time limit would never apply.
     */
    private static String node(Path browserDir, String chromium, String script, List<String> args, String okLine,
                               String name) throws Exception {
        return node(browserDir, chromium, script, args, okLine, name, SCRIPT_LIMIT_SECONDS);
    }

    static String node(Path browserDir, String chromium, String script, List<String> args, String okLine,
                       String name, int limitSeconds) throws Exception {
        // in a process group of its own (setsid), so that Chromium's processes go with it even once orphaned
        boolean ownGroup = Files.isExecutable(Path.of("/usr/bin/setsid"));
        List<String> command = new ArrayList<>(ownGroup ? List.of("/usr/bin/setsid", "--wait") : List.of());
        command.addAll(List.of("node", browserDir.resolve(script).toString()));
        command.addAll(args);
        Path log = Files.createTempFile(Path.of("target").toAbsolutePath(), "browser-" + name + "-", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(browserDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("CHROMIUM_PATH", chromium);
        Process node = pb.start();
        boolean ended = node.waitFor(limitSeconds, TimeUnit.SECONDS);
        // Whatever the script left behind (a wedged Chromium, its zygote) goes with it.
        node.descendants().forEach(ProcessHandle::destroyForcibly);
        if (!ended) {
            node.destroyForcibly();
            node.waitFor(10, TimeUnit.SECONDS);
        }
        if (ownGroup) {
            new ProcessBuilder("kill", "-KILL", "--", "-" + node.pid()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println("---- browser test output (" + script + ", " + name + ") ----\n" + output
                + "-----------------------------");
        assertTrue(ended, "the browser script did not end within " + limitSeconds + " s");
        assertEquals(0, node.exitValue(), "browser script failed:\n" + output);
        assertTrue(output.contains(okLine), output);
        return output;
    }

    private static void requireTools(Path browserDir, String chromium) {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                fail("`node --version` failed: install Node.js (apt-get install -y nodejs npm)");
            }
        } catch (IOException e) {
            fail("Node.js is not installed (it drives the browser): apt-get install -y nodejs npm");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted while looking for node");
        }
        if (!Files.isDirectory(browserDir.resolve("node_modules").resolve("playwright-core"))) {
            fail("playwright-core is not installed in " + browserDir
                    + ": run `npm ci --prefix gateway/src/test/browser` (the CI script .ci/run does)");
        }
        if (!Files.isExecutable(Path.of(chromium))) {
            fail("Chromium is not installed at " + chromium + ": apt-get install -y chromium"
                    + " (or point CHROMIUM_PATH at a Chromium binary)");
        }
        if (!Files.exists(browserDir.resolve("page.test.mjs"))) {
            fail("missing browser script " + browserDir.resolve("page.test.mjs"));
        }
    }
}
