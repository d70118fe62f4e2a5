package dev.ist.worker.engine.precision;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuFeaturesTest {
    private static final String SAPPHIRE_RAPIDS = """
            processor\t: 0
            vendor_id\t: GenuineIntel
            model name\t: Intel(R) Xeon(R) Processor
            flags\t\t: fpu vme sse sse2 avx avx2 avx512f avx512bw avx512_bf16 amx_bf16 amx_tile amx_int8 avx512_fp16
            bogomips\t: 4800.00

            processor\t: 1
            flags\t\t: fpu vme sse sse2 avx avx2 avx512f avx512bw avx512_bf16 amx_bf16 amx_tile amx_int8 avx512_fp16
            """;

    @Test
    void amxAndAvx512Bf16FlagsAreRecognised() {
        CpuFeatures f = CpuFeatures.parse(SAPPHIRE_RAPIDS);
        assertTrue(f.amxBf16());
        assertTrue(f.avx512Bf16());
        assertTrue(f.hasBf16());
        assertEquals("amx_bf16+avx512_bf16", f.toString());
    }

    @Test
    void cooperLakeHasAvx512Bf16WithoutAmx() {
        CpuFeatures f = CpuFeatures.parse("flags\t: sse avx2 avx512f avx512_bf16 avx512_vnni\n");
        assertEquals(new CpuFeatures(false, true), f);
        assertTrue(f.hasBf16());
    }

    @Test
    void aCpuWithoutBf16FlagsHasNone() {
        CpuFeatures f = CpuFeatures.parse("flags\t: sse avx2 avx512f avx512bw avx512_vnni amx_tile\n");
        assertFalse(f.hasBf16());
        assertEquals("no bf16 hardware", f.toString());
    }

    @Test
    void aFlagMissingOnOneProcessorDoesNotCount() {
        String mixed = "processor : 0\nflags : avx512_bf16 amx_bf16\n\nprocessor : 1\nflags : avx512_bf16\n";
        assertEquals(new CpuFeatures(false, true), CpuFeatures.parse(mixed));
    }

    @Test
    void flagNamesMustMatchWholeWords() {
        // "amx_bf16x" or a flag inside another field is not the feature
        assertFalse(CpuFeatures.parse("flags : amx_bf16x avx512_bf16_fake\nmodel name : amx_bf16\n").hasBf16());
    }

    @Test
    void anUnreadableOrEmptyCpuinfoMeansNoBf16(@TempDir Path dir) throws IOException {
        assertEquals(CpuFeatures.NONE, CpuFeatures.read(dir.resolve("absent")));
        Path empty = Files.writeString(dir.resolve("cpuinfo"), "processor : 0\n");
        assertEquals(CpuFeatures.NONE, CpuFeatures.read(empty));
    }

    @Test
    void detectReadsThisMachinesCpuinfo() throws IOException {
        Path proc = CpuFeatures.PROC_CPUINFO;
        CpuFeatures expected = Files.isReadable(proc) ? CpuFeatures.parse(Files.readString(proc)) : CpuFeatures.NONE;
        assertEquals(expected, CpuFeatures.detect());
    }
}
