package dev.ist.worker.runtime.fleet;

import dev.ist.common.IstConfig;
import dev.ist.worker.runtime.WorkerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading the memory limits from cgroup v2 / v1 files and /proc/meminfo (written here, so each case is exact). */
class WorkerMemoryBudgetTest {

    @TempDir
    Path dir;

    private static final long MIB = 1L << 20;

    private WorkerMemoryBudget.Limits measure(String settingsOverride) throws IOException {
        Files.writeString(dir.resolve("meminfo"), "MemTotal:       16384000 kB\nMemFree: 1 kB\n");
        Map<String, String> settings = new java.util.HashMap<>(Map.of("ist.s3.access-key", "a",
                "ist.s3.secret-key", "s"));
        if (settingsOverride != null) {
            settings.put("ist.worker.memory-limit-bytes", settingsOverride);
        }
        WorkerConfig config = WorkerConfig.from(IstConfig.of(settings));
        return new WorkerMemoryBudget(dir.resolve("cgroup"), dir.resolve("meminfo"), () -> 2048 * MIB)
                .measure(config.memoryMargin(), config.memoryLimitBytes(), WorkerMemoryBudget.GpuMemory.NONE);
    }

    @Test
    void cgroupV2LimitWinsOverPhysicalMemory() throws IOException {
        Files.createDirectories(dir.resolve("cgroup"));
        Files.writeString(dir.resolve("cgroup/memory.max"), Long.toString(6144 * MIB) + "\n");
        WorkerMemoryBudget.Limits l = measure(null);
        assertEquals(OptionalLong.of(6144 * MIB), l.cgroupBytes());
        assertEquals(6144 * MIB - 512 * MIB, l.hostBytes());
        assertTrue(l.describe().contains("cgroup limit 6144 MiB"), l.describe());
    }

    @Test
    void unlimitedCgroupFallsBackToPhysicalMemory() throws IOException {
        Files.createDirectories(dir.resolve("cgroup"));
        Files.writeString(dir.resolve("cgroup/memory.max"), "max\n");
        WorkerMemoryBudget.Limits l = measure(null);
        assertTrue(l.cgroupBytes().isEmpty());
        assertEquals(16384000L * 1024 - 512 * MIB, l.hostBytes());
    }

    @Test
    void cgroupV1AndTheConfiguredCeilingAreHonoured() throws IOException {
        Files.createDirectories(dir.resolve("cgroup/memory"));
        Files.writeString(dir.resolve("cgroup/memory/memory.limit_in_bytes"), Long.toString(8192 * MIB));
        assertEquals(8192 * MIB - 512 * MIB, measure(null).hostBytes());
        assertEquals(4096 * MIB - 512 * MIB, measure(Long.toString(4096 * MIB)).hostBytes());
    }
}
