package dev.ist.worker.bench;

import dev.ist.worker.cli.IstCli;
import dev.ist.worker.engine.Backpropagation;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code ist bench --determinism N -- TRANSFER_OPTIONS}: runs the same {@code ist transfer} N times, each in a fresh
 * JVM as a user would (same JVM options, classpath and environment as this one), and prints per run the exit code,
 * the SHA-256 of the output file, the final total loss and any NaN loss, then how many distinct results there were.
 * One distinct result means the machine repeats itself; more is a defect. {@code --stress-gc} makes every child force a
 * collection between each forward and backward pass ({@link Backpropagation}), which turns memory-lifetime faults into
 * a difference on every run.
 */
public final class DeterminismBench {
    /** A run's outcome; {@code digest} is the output file's SHA-256, or the exit code when there is none. */
    record Run(int exit, String digest, String finalLoss, int nullLosses, long millis, String error) {
    }

    private final PrintStream out;

    public DeterminismBench(PrintStream out) {
        this.out = out;
    }

    /** Runs and prints; returns the number of distinct results (1 when every run gave the same bytes). */
    public int run(int runs, List<String> transferOptions, boolean stressGc) {
        Path dir;
        try {
            dir = Files.createTempDirectory("ist-determinism");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String extension = outputExtension(transferOptions);
        List<String> options = withoutOutput(transferOptions);
        out.printf(Locale.ROOT, "ist transfer %s, %d runs%s, each in a new JVM%n", String.join(" ", options), runs,
                stressGc ? ", a GC forced before every backward pass" : "");
        out.printf(Locale.ROOT, "%4s  %4s  %-16s  %-14s  %5s  %8s%n", "run", "exit", "sha256", "final total", "NaN",
                "ms");
        Map<String, Integer> distinct = new LinkedHashMap<>();
        try {
            for (int i = 1; i <= runs; i++) {
                Run r = once(dir, i, extension, options, stressGc);
                distinct.merge(r.digest() + " " + r.finalLoss(), 1, Integer::sum);
                out.printf(Locale.ROOT, "%4d  %4d  %-16s  %-14s  %5d  %8d%s%n", i, r.exit(),
                        r.digest().substring(0, Math.min(16, r.digest().length())), r.finalLoss(), r.nullLosses(),
                        r.millis(), r.error().isEmpty() ? "" : "  " + r.error());
            }
        } finally {
            deleteQuietly(dir);
        }
        out.printf(Locale.ROOT, "distinct results: %d of %d runs%s%n", distinct.size(), runs,
                distinct.size() == 1 ? " (deterministic on this machine)" : " (NOT deterministic)");
        if (distinct.size() > 1) {
            distinct.forEach((k, n) -> out.printf(Locale.ROOT, "  %3d x %s%n", n, k));
        }
        return distinct.size();
    }

    private Run once(Path dir, int index, String extension, List<String> options, boolean stressGc) {
        Path output = dir.resolve("run-" + index + extension);
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-agentlib") && !arg.startsWith("-javaagent")) {
                command.add(arg);
            }
        }
        if (stressGc) {
            command.add("-D" + Backpropagation.COLLECT_PROPERTY + "=true");
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), IstCli.class.getName(), "transfer"));
        command.addAll(options);
        command.addAll(List.of("--output", output.toString(), "--log-json"));
        Path log = dir.resolve("run-" + index + ".jsonl");
        Path err = dir.resolve("run-" + index + ".err");
        long t0 = System.nanoTime();
        int exit;
        try {
            Process p = new ProcessBuilder(command).redirectOutput(log.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(1, TimeUnit.HOURS)) {
                p.destroyForcibly();
                exit = -1;
            } else {
                exit = p.exitValue();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        try {
            List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
            int nulls = 0;
            String last = "-";
            for (String line : lines) {
                if (line.contains("\"total\":null") || line.contains("\"total\":NaN")) {
                    nulls++;
                }
                int at = line.indexOf("\"total\":");
                if (at >= 0) {
                    int end = line.indexOf(',', at);
                    last = line.substring(at + 8, end < 0 ? line.length() - 1 : end);
                }
            }
            String digest = Files.exists(output) ? sha256(Files.readAllBytes(output)) : "no-output(exit " + exit + ")";
            String error = exit == 0 ? "" : lastLine(err);
            return new Run(exit, digest, last, nulls, millis, error);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The extension of the user's --output (the format follows it), ".png" when none was given. */
    static String outputExtension(List<String> options) {
        int at = options.indexOf("--output");
        if (at < 0 || at + 1 >= options.size()) {
            return ".png";
        }
        String name = options.get(at + 1);
        int dot = name.lastIndexOf('.');
        return dot < 0 ? ".png" : name.substring(dot);
    }

    /** The options less --output FILE and --log-json (each run writes its own file and log). */
    static List<String> withoutOutput(List<String> options) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < options.size(); i++) {
            String o = options.get(i);
            if (o.equals("--output")) {
                i++;
            } else if (!o.startsWith("--output=") && !o.equals("--log-json")) {
                out.add(o);
            }
        }
        return out;
    }

    private static String lastLine(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "";
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (!lines.get(i).isBlank() && !lines.get(i).contains("NNPACK")) {
                return lines.get(i).strip();
            }
        }
        return "";
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
