package dev.ist.worker.engine.precision;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * What a calibration's answer depends on: the processor (model name, or the GPU's name), the cores the process may
 * use, the intra-op threads, the libtorch version and the device. A change to any of them measures again; the same
 * machine restarted reuses the answer.
 */
public record CalibrationKey(String processor, int cores, int threads, String libtorch, String device) {

    /** This machine's key for a device ("cpu", "gpu:0") and the engine's thread count (0 = the library's default). */
    public static CalibrationKey detect(String device, String processor, int threads, String libtorch) {
        return new CalibrationKey(processor, Runtime.getRuntime().availableProcessors(), threads, libtorch, device);
    }

    /** The CPU's model name from {@code /proc/cpuinfo}, or "unknown cpu". */
    public static String cpuModel() {
        return cpuModel(Path.of("/proc/cpuinfo"));
    }

    static String cpuModel(Path cpuinfo) {
        try {
            for (String line : Files.readAllLines(cpuinfo, StandardCharsets.ISO_8859_1)) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equals("model name")) {
                    return line.substring(colon + 1).trim();
                }
            }
        } catch (IOException | SecurityException e) {
            // not Linux, or no /proc: the key still separates devices, thread counts and versions
        }
        return "unknown cpu";
    }

    /** A file name for this key: readable, and unique by a hash of every field. */
    public String fileName() {
        String text = processor + "|" + cores + "|" + threads + "|" + libtorch + "|" + device;
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            String slug = device.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
            return "precision-" + slug + "-" + HexFormat.of().formatHex(hash, 0, 8) + ".json";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return processor + ", " + cores + " cores, " + (threads > 0 ? threads + " threads" : "default threads")
                + ", libtorch " + libtorch + ", " + device;
    }
}
