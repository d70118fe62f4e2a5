package dev.ist.worker.runtime.capacity;

import dev.ist.common.IstConfig;
import dev.ist.common.capacity.MemoryModel;
import dev.ist.worker.runtime.fleet.WorkerMemoryBudget;

import java.util.Locale;

/**
 * Memory sizes as users write them ({@code 6g}, {@code 512m}, {@code 1073741824}) and the default memory budget of a
 * transfer on this machine ({@link WorkerMemoryBudget}'s host budget).
 */
public final class MachineMemory {
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

    /**
     * The budget a transfer gets by default here: f12's {@link WorkerMemoryBudget} (the smallest of the cgroup limit,
     * {@code ist.worker.memory-limit-bytes} and physical memory, less {@code ist.worker.memory-margin}), less the part
     * of this JVM's heap ceiling above the 768 MiB the memory model was measured with.
     */
    public static long defaultBudget(IstConfig config) {
        return defaultBudget(new WorkerMemoryBudget(), config.getLong("ist.worker.memory-margin", 512L << 20),
                config.get("ist.worker.memory-limit-bytes").map(MachineMemory::parse));
    }

    static long defaultBudget(WorkerMemoryBudget machine, long marginBytes, java.util.Optional<Long> limitBytes) {
        WorkerMemoryBudget.Limits limits = machine.measure(marginBytes, limitBytes, WorkerMemoryBudget.GpuMemory.NONE);
        // the model was measured with a 768 MiB heap; garbage fills a bigger one before it is collected
        return Math.max(0, limits.hostBytes() - Math.max(0, limits.maxHeapBytes() - MemoryModel.MEASURED_MAX_HEAP));
    }
}
