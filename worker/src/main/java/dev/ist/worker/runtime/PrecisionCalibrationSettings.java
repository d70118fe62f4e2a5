package dev.ist.worker.runtime;

import dev.ist.common.IstConfig;
import dev.ist.worker.engine.precision.PrecisionCalibration;

import java.nio.file.Path;

/**
 * How a worker on {@code ist.worker.precision=AUTO} decides: {@code ist.precision.margin} (how many times as fast
 * bf16 must measure, default 1.2) and {@code ist.precision.cache-dir} (where the measurement is kept across restarts,
 * default {@code ~/.cache/ist/calibration}).
 */
public record PrecisionCalibrationSettings(double margin, Path cacheDir) {

    public PrecisionCalibrationSettings {
        if (!(margin >= 1.0) || margin > 100) {
            throw new IllegalArgumentException("ist.precision.margin must be between 1.0 and 100 (how many times as"
                    + " fast bf16 must measure to be chosen), was " + margin);
        }
    }

    public static PrecisionCalibrationSettings from(IstConfig c) {
        Path home = Path.of(System.getProperty("user.home"));
        return new PrecisionCalibrationSettings(c.getDouble("ist.precision.margin", PrecisionCalibration.DEFAULT_MARGIN),
                Path.of(c.get("ist.precision.cache-dir", home.resolve(".cache/ist/calibration").toString())));
    }
}
