package dev.ist.worker.engine;

import java.util.Locale;

/**
 * Turns a device request ("auto", "cpu", "gpu", "gpu:N") into a concrete choice, given how many GPUs
 * the engine sees. Pure logic so it is testable without a GPU; "auto" prefers GPU 0 when present,
 * "gpu" without a GPU is an error, never a silent CPU fallback.
 */
public final class DeviceSelector {
    /** The outcome: {@code gpuIndex} is -1 for the CPU. */
    public record Choice(int gpuIndex) {
        public boolean isGpu() {
            return gpuIndex >= 0;
        }

        @Override
        public String toString() {
            return isGpu() ? "gpu:" + gpuIndex : "cpu";
        }
    }

    private DeviceSelector() {
    }

    public static Choice select(String request, int gpuCount) {
        String r = request == null ? "auto" : request.trim().toLowerCase(Locale.ROOT);
        if (r.isEmpty() || r.equals("auto")) {
            return new Choice(gpuCount > 0 ? 0 : -1);
        }
        if (r.equals("cpu")) {
            return new Choice(-1);
        }
        if (r.equals("gpu") || r.equals("cuda")) {
            if (gpuCount <= 0) {
                throw new InvalidSpecException("device 'gpu' requested but no GPU is visible to the engine");
            }
            return new Choice(0);
        }
        if (r.startsWith("gpu:") || r.startsWith("cuda:")) {
            String number = r.substring(r.indexOf(':') + 1);
            int index;
            try {
                index = Integer.parseInt(number);
            } catch (NumberFormatException e) {
                throw new InvalidSpecException("bad device '" + request + "': expected gpu:N with N a number");
            }
            if (index < 0 || index >= gpuCount) {
                throw new InvalidSpecException("device '" + request + "' requested but "
                        + (gpuCount == 0 ? "no GPU is" : "only " + gpuCount + " GPU(s) are") + " visible");
            }
            return new Choice(index);
        }
        throw new InvalidSpecException("unknown device '" + request + "' (use auto, cpu, gpu or gpu:N)");
    }
}
