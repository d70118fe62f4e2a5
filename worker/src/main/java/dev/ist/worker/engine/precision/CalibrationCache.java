package dev.ist.worker.engine.precision;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Calibrations kept on disk, one JSON file per {@link CalibrationKey}, so a restarted worker does not measure again.
 * A file that cannot be read is measured over (and logged); a cache that cannot be written costs a measurement at the
 * next start, nothing else.
 */
public final class CalibrationCache {

    private static final Logger LOG = LoggerFactory.getLogger(CalibrationCache.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a cache file holds: the key it was measured for (checked on load) and the timings. */
    record Entry(CalibrationKey key, PrecisionTimings timings) {
    }

    private final Path dir;

    public CalibrationCache(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Optional<PrecisionTimings> load(CalibrationKey key) {
        Path file = dir.resolve(key.fileName());
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            Entry e = JSON.readValue(file.toFile(), Entry.class);
            return key.equals(e.key()) ? Optional.of(e.timings()) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            LOG.warn("precision calibration cache {} unreadable ({}); measuring again", file, e.getMessage());
            return Optional.empty();
        }
    }

    public void store(CalibrationKey key, PrecisionTimings timings) {
        Path file = dir.resolve(key.fileName());
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, key.fileName(), ".part");
            JSON.writeValue(tmp.toFile(), new Entry(key, timings));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            LOG.warn("precision calibration not cached in {} ({}); the next start measures again", dir,
                    e.getMessage());
        }
    }
}
