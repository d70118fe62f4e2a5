package dev.ist.worker.runtime.capacity;

import dev.ist.worker.runtime.fleet.WorkerMemoryBudget;
import dev.ist.common.capacity.MemoryModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MachineMemoryTest {

    @Test
    void sizesAreReadWithTheirUnit() {
        assertEquals(6L << 30, MachineMemory.parse("6g"));
        assertEquals(6L << 30, MachineMemory.parse("6G"));
        assertEquals(512L << 20, MachineMemory.parse("512m"));
        assertEquals(1536L << 20, MachineMemory.parse("1.5g"));
        assertEquals(1000, MachineMemory.parse("1000"));
        assertThrows(IllegalArgumentException.class, () -> MachineMemory.parse("six gigs"));
        assertThrows(IllegalArgumentException.class, () -> MachineMemory.parse("-1g"));
    }

    @Test
    void theDefaultIsTheFleetBudgetOfThisMachine(@TempDir Path dir) throws IOException {
        Path meminfo = dir.resolve("meminfo");
        Files.writeString(meminfo, "MemTotal:       25165824 kB\nMemFree: 1 kB\n");
        Path cgroup = dir.resolve("cg");
        Files.createDirectories(cgroup);
        WorkerMemoryBudget machine = new WorkerMemoryBudget(cgroup, meminfo, () -> 1L << 30);
        // less the margin and the 256 MiB of this 1 GiB heap above the 768 MiB the model was measured with
        long heapAbove = (1L << 30) - MemoryModel.MEASURED_MAX_HEAP;
        assertEquals((24L << 30) - (512L << 20) - heapAbove,
                MachineMemory.defaultBudget(machine, 512L << 20, java.util.Optional.empty()));
        Files.writeString(cgroup.resolve("memory.max"), Long.toString(4L << 30) + "\n");
        assertEquals((4L << 30) - (512L << 20) - heapAbove,
                MachineMemory.defaultBudget(machine, 512L << 20, java.util.Optional.empty()));
    }
}
