package dev.ist.worker.runtime.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * How much memory a job may use on this worker: the smallest of the cgroup limit (v2 {@code memory.max}, v1
 * {@code memory.limit_in_bytes}), the configured override and the physical memory, less a margin. On CPU the
 * engine's tensors are native (libtorch) and the L-BFGS history is off-heap, so the number compared with the engine
 * model is the process's whole resident size. On GPU the device's free memory is the budget of the device side
 * ({@link GpuMemory}).
 */
public final class WorkerMemoryBudget {

    /** Free device memory, when a GPU is used (e.g. from the engine's CUDA runtime); empty on CPU. */
    @FunctionalInterface
    public interface GpuMemory {
        OptionalLong freeBytes();

        GpuMemory NONE = OptionalLong::empty;
    }

    /** Where the figures came from, for the log line and the FAILED message. */
    public record Limits(OptionalLong cgroupBytes, OptionalLong overrideBytes, long physicalBytes, long maxHeapBytes,
                         long marginBytes, OptionalLong gpuFreeBytes) {

        /** The ceiling of the process's resident memory for a job. */
        public long hostBytes() {
            long limit = physicalBytes;
            if (cgroupBytes.isPresent()) {
                limit = Math.min(limit, cgroupBytes.getAsLong());
            }
            if (overrideBytes.isPresent()) {
                limit = Math.min(limit, overrideBytes.getAsLong());
            }
            return Math.max(0, limit - marginBytes);
        }

        public String describe() {
            return "budget " + mib(hostBytes()) + " (physical " + mib(physicalBytes)
                    + cgroupBytes.stream().mapToObj(b -> ", cgroup limit " + mib(b)).findFirst().orElse("")
                    + overrideBytes.stream().mapToObj(b -> ", ist.worker.memory-limit-bytes " + mib(b)).findFirst()
                    .orElse("")
                    + ", max heap " + mib(maxHeapBytes) + ", margin " + mib(marginBytes)
                    + gpuFreeBytes.stream().mapToObj(b -> ", GPU free " + mib(b)).findFirst().orElse("") + ")";
        }

        private static String mib(long b) {
            return (b >> 20) + " MiB";
        }
    }

    private final Path cgroupRoot;
    private final Path meminfo;
    private final Supplier<Long> maxHeap;

    /** The real machine: {@code /sys/fs/cgroup}, {@code /proc/meminfo}, this JVM's max heap. */
    public WorkerMemoryBudget() {
        this(Path.of("/sys/fs/cgroup"), Path.of("/proc/meminfo"), () -> Runtime.getRuntime().maxMemory());
    }

    /** With other files (tests of the parsing). */
    public WorkerMemoryBudget(Path cgroupRoot, Path meminfo, Supplier<Long> maxHeap) {
        this.cgroupRoot = cgroupRoot;
        this.meminfo = meminfo;
        this.maxHeap = maxHeap;
    }

    /**
     * @param marginBytes   {@code ist.worker.memory-margin}
     * @param overrideBytes {@code ist.worker.memory-limit-bytes}, when set
     */
    public Limits measure(long marginBytes, Optional<Long> overrideBytes, GpuMemory gpu) {
        return new Limits(cgroupLimit(), overrideBytes.map(OptionalLong::of).orElse(OptionalLong.empty()),
                physical(), maxHeap.get(), marginBytes, gpu.freeBytes());
    }

    /** The cgroup's memory limit; empty when unlimited or not in a cgroup. */
    OptionalLong cgroupLimit() {
        for (Path p : List.of(cgroupRoot.resolve("memory.max"), cgroupRoot.resolve("memory/memory.limit_in_bytes"))) {
            Optional<String> text = read(p);
            if (text.isEmpty()) {
                continue;
            }
            String v = text.get().trim();
            if (v.equals("max")) {
                return OptionalLong.empty();
            }
            try {
                long bytes = Long.parseLong(v);
                // cgroup v1 says "unlimited" with a huge page-aligned number
                return bytes >= (1L << 60) ? OptionalLong.empty() : OptionalLong.of(bytes);
            } catch (NumberFormatException e) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.empty();
    }

    long physical() {
        Optional<String> text = read(meminfo);
        if (text.isPresent()) {
            for (String line : text.get().split("\n")) {
                if (line.startsWith("MemTotal:")) {
                    String[] parts = line.trim().split("\\s+");
                    return Long.parseLong(parts[1]) * 1024;
                }
            }
        }
        return Runtime.getRuntime().maxMemory() * 4; // no /proc: the JVM's default heap is a quarter of RAM
    }

    private static Optional<String> read(Path p) {
        try {
            return Files.isReadable(p) ? Optional.of(Files.readString(p)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
