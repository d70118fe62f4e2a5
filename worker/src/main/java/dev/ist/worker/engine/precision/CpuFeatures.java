package dev.ist.worker.engine.precision;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The CPU's bfloat16 hardware, read from the kernel's feature flags ({@code /proc/cpuinfo} on Linux):
 * AMX-BF16 (tile matrix units, Sapphire Rapids and later, where the hypervisor exposes them) and AVX512-BF16 (bf16
 * dot products in vector registers, Cooper Lake and later). A VM may show the second without the first.
 */
public record CpuFeatures(boolean amxBf16, boolean avx512Bf16) {
    public static final CpuFeatures NONE = new CpuFeatures(false, false);
    static final Path PROC_CPUINFO = Path.of("/proc/cpuinfo");

    /** Whether the CPU has any bfloat16 arithmetic (not whether it is faster than fp32: see {@link PrecisionSelector}). */
    public boolean hasBf16() {
        return amxBf16 || avx512Bf16;
    }

    /** This machine's features; {@link #NONE} where the flags cannot be read (not Linux, no /proc). */
    public static CpuFeatures detect() {
        return read(PROC_CPUINFO);
    }

    static CpuFeatures read(Path cpuinfo) {
        try {
            return parse(Files.readString(cpuinfo, StandardCharsets.ISO_8859_1));
        } catch (IOException | SecurityException e) {
            return NONE;
        }
    }

    /**
     * Features every listed processor has: on a machine mixing core types a thread may run on any of them, so a
     * flag only one kind of core shows does not count.
     */
    public static CpuFeatures parse(String cpuinfo) {
        boolean amx = true;
        boolean avx = true;
        boolean sawFlags = false;
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0 || !line.substring(0, colon).trim().equals("flags")) {
                continue;
            }
            sawFlags = true;
            Set<String> flags = Arrays.stream(line.substring(colon + 1).trim().split("\\s+"))
                    .collect(Collectors.toSet());
            amx &= flags.contains("amx_bf16");
            avx &= flags.contains("avx512_bf16");
        }
        return sawFlags ? new CpuFeatures(amx, avx) : NONE;
    }

    @Override
    public String toString() {
        return hasBf16() ? (amxBf16 ? "amx_bf16" : "") + (amxBf16 && avx512Bf16 ? "+" : "")
                + (avx512Bf16 ? "avx512_bf16" : "") : "no bf16 hardware";
    }
}
