package dev.ist.worker.runtime.capacity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Memory sizes as users write them ({@code 6g}, {@code 512m}, {@code 1073741824}) and the default memory budget of
 * this machine: the cgroup limit (v2 {@code memory.max}, v1 {@code memory.limit_in_bytes}) or else the physical memory,
 * less a margin of 10 % (at least 512 MiB) for the OS, the JVM's own growth and the other processes.
 */
public final class MachineMemory {
    private static final long MIN_MARGIN = 512L << 20;

    private MachineMemory() {
    }

    /** Bytes of a size such as {@code 8g}, {@code 4096m}, {@code 500k} or plain bytes; refuses anything else. */
    public static long parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.endsWith("b")) {
            t = t.substring(0, t.length() - 1);
        }
        long unit = 1;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'k' -> unit = 1L << 10;
                case 'm' -> unit = 1L << 20;
                case 'g' -> unit = 1L << 30;
                case 't' -> unit = 1L << 40;
                default -> unit = 1;
            }
            if (unit > 1) {
                t = t.substring(0, t.length() - 1);
            }
        }
        try {
            double value = Double.parseDouble(t);
            if (!(value >= 0) || Double.isInfinite(value) || value * unit > Long.MAX_VALUE / 2) {
                throw new NumberFormatException();
            }
            return (long) (value * unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a memory size (e.g. 8g, 4096m or bytes)");
        }
    }

    /** The budget a transfer gets by default here: cgroup limit or physical memory, less the margin; 0 if unknown. */
    public static long defaultBudget() {
        return defaultBudget(Path.of("/sys/fs/cgroup"), Path.of("/proc/meminfo"));
    }

    static long defaultBudget(Path cgroupRoot, Path meminfo) {
        OptionalLong physical = physical(meminfo);
        OptionalLong cgroup = cgroupLimit(cgroupRoot);
        long limit;
        if (cgroup.isPresent() && physical.isPresent()) {
            limit = Math.min(cgroup.getAsLong(), physical.getAsLong());
        } else if (cgroup.isPresent() || physical.isPresent()) {
            limit = cgroup.isPresent() ? cgroup.getAsLong() : physical.getAsLong();
        } else {
            return 0;
        }
        return Math.max(0, limit - Math.max(MIN_MARGIN, limit / 10));
    }

    static OptionalLong cgroupLimit(Path root) {
        for (Path p : new Path[] {root.resolve("memory.max"), root.resolve("memory/memory.limit_in_bytes")}) {
            String v = read(p);
            if (v == null) {
                continue;
            }
            try {
                long bytes = Long.parseLong(v.trim());
                return bytes >= (1L << 60) ? OptionalLong.empty() : OptionalLong.of(bytes); // v1 "unlimited"
            } catch (NumberFormatException e) {
                return OptionalLong.empty(); // v2 "max"
            }
        }
        return OptionalLong.empty();
    }

    static OptionalLong physical(Path meminfo) {
        String text = read(meminfo);
        if (text != null) {
            for (String line : text.split("\n")) {
                if (line.startsWith("MemTotal:")) {
                    return OptionalLong.of(Long.parseLong(line.trim().split("\\s+")[1]) * 1024);
                }
            }
        }
        return OptionalLong.empty();
    }

    private static String read(Path p) {
        try {
            return Files.isReadable(p) ? Files.readString(p) : null;
        } catch (IOException e) {
            return null;
        }
    }
}
