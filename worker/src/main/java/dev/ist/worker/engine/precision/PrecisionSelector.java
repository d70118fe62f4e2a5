package dev.ist.worker.engine.precision;

import dev.ist.common.job.Precision;

/**
 * Turns a {@link Precision} request into what runs: FP32 or BF16. Explicit requests are honoured as given (the reason
 * says when the hardware will make bf16 slow); AUTO picks BF16 only where it is faster: a CPU with AMX-BF16 tiles, or a
 * CUDA GPU of compute capability 8.0 (Ampere) or later, and FP32 everywhere else — unless the machine was measured
 * ({@link PrecisionCalibration}): then AUTO follows the measurement.
 *
 * <p>AVX512-BF16 alone does not count: on a Sapphire-Rapids-class VM that exposes AVX512-BF16 but not AMX, oneDNN 3.7's
 * bf16 convolutions (libtorch 2.7.1) measured 0.2–0.9× the speed of its fp32 ones, layer by layer, for VGG19's shapes
 * (its bf16 dot product retires no more multiply-adds per cycle than fp32 FMAs there). Pure logic, testable anywhere.
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
        boolean fast16 = gpu ? major(gpuComputeCapability) >= 8 : cpu.amxBf16();
        String hardware = gpu ? "GPU compute capability " + gpuComputeCapability : "CPU " + cpu;
        return switch (r) {
            case FP32 -> new Choice(Precision.FP32, "fp32 requested");
            case BF16 -> new Choice(Precision.BF16, fast16 ? "bf16 requested; " + hardware
                    : "bf16 requested although the " + hardware + " has no fast bf16 (expect it slower than fp32)");
            case AUTO -> fast16
                    ? new Choice(Precision.BF16, "auto: " + hardware + " runs bf16 faster than fp32")
                    : new Choice(Precision.FP32, "auto: " + hardware + " has no fast bf16");
        };
    }

    /**
     * Like {@link #select(Precision, CpuFeatures, String)}, but AUTO follows a measurement of this machine when there
     * is one (explicit requests are still honoured as given).
     */
    public static Choice select(Precision requested, CpuFeatures cpu, String gpuComputeCapability,
                                PrecisionCalibration calibration) {
        Precision r = requested == null ? Precision.AUTO : requested;
        if (r != Precision.AUTO || calibration == null) {
            return select(requested, cpu, gpuComputeCapability);
        }
        return new Choice(calibration.choice(), "auto: " + calibration.describe());
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
