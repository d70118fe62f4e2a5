package dev.ist.worker.engine.precision;

/**
 * Turns a {@link Precision} request into what runs: FP32 or BF16. Explicit requests are honoured as given (a user
 * who asks for BF16 on a CPU without bf16 hardware gets it, emulated and slow, and the reason says so); AUTO picks
 * BF16 where the hardware does it natively — a CPU with AMX-BF16 or AVX512-BF16, a CUDA GPU of compute capability 8.0
 * (Ampere) or later — and FP32 everywhere else. Pure logic, so it is testable on any machine.
 */
public final class PrecisionSelector {
    /** The outcome, with the reason to log. */
    public record Choice(Precision precision, String reason) {
    }

    private PrecisionSelector() {
    }

    /**
     * @param gpuComputeCapability the GPU's compute capability as CUDA prints it ("80", "8.6"), or null on the CPU
     */
    public static Choice select(Precision requested, CpuFeatures cpu, String gpuComputeCapability) {
        Precision r = requested == null ? Precision.AUTO : requested;
        boolean gpu = gpuComputeCapability != null;
        boolean native16 = gpu ? major(gpuComputeCapability) >= 8 : cpu.hasBf16();
        String hardware = gpu ? "GPU compute capability " + gpuComputeCapability : "CPU " + cpu;
        return switch (r) {
            case FP32 -> new Choice(Precision.FP32, "fp32 requested");
            case BF16 -> new Choice(Precision.BF16, native16 ? "bf16 requested; " + hardware
                    : "bf16 requested although the " + hardware + " has no native bf16 (emulated, slower than fp32)");
            case AUTO -> native16
                    ? new Choice(Precision.BF16, "auto: " + hardware + " runs bf16 natively")
                    : new Choice(Precision.FP32, "auto: " + hardware + " has no native bf16");
        };
    }

    private static int major(String capability) {
        String digits = capability.trim();
        int dot = digits.indexOf('.');
        try {
            if (dot >= 0) {
                return Integer.parseInt(digits.substring(0, dot));
            }
            int value = Integer.parseInt(digits);
            return value >= 10 ? value / 10 : value; // "80" → 8, "9" → 9
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
