package dev.ist.worker.engine.weights;

import dev.ist.common.IstConfig;
import dev.ist.worker.engine.Vgg19Weights;
import dev.ist.worker.engine.WeightsException;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the default VGG19 weights: the IST cache, then torchvision's own cache
 * ({@code $TORCH_HOME/hub/checkpoints}), then Keras' cache ({@code $KERAS_HOME/models}, default
 * {@code ~/.keras/models}: the file {@code keras.applications.vgg19.VGG19(weights='imagenet', include_top=False)}
 * leaves there, verified against the MD5 Keras itself pins it with), then a download from the official URL into the IST
 * cache, verified against the hash prefix in the file name. Never falls back to random weights.
 *
 * <p>The download itself goes through a {@link WeightsDownload} (HTTP lives outside the engine).
 *
 * <p>Settings: {@code ist.weights.cache-dir} (default {@code ~/.cache/ist/weights}),
 * {@code ist.weights.url} (default torchvision's URL), {@code ist.weights.offline} (no download).
 */
public final class WeightsResolver {
    public static final String DEFAULT_URL = "https://download.pytorch.org/models/vgg19-dcbb9e9d.pth";
    /** The name Keras caches VGG19's convolutional weights under. */
    public static final String KERAS_NOTOP_FILE = "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5";
    /**
     * The MD5 Keras' {@code get_file} checks that file against: {@code file_hash} of {@code WEIGHTS_PATH_NO_TOP} in
     * keras/applications/vgg19.py (the same in keras-applications and tf.keras). Keras publishes no SHA-256 of it.
     */
    public static final String KERAS_NOTOP_MD5 = "253f8cb515780f3b799900260a226db6";

    /** Keras' weight cache: the folder, and the MD5 its VGG19 file must have. */
    public record KerasCache(Path dir, String md5) {
    }

    private final Path cacheDir;
    private final URI url;
    private final boolean offline;
    private final List<Path> extraDirs;
    private final KerasCache keras;
    private final WeightsDownload download;

    public WeightsResolver(Path cacheDir, URI url, boolean offline, List<Path> extraDirs, WeightsDownload download) {
        this(cacheDir, url, offline, extraDirs, null, download);
    }

    /** @param keras Keras' cache to look in after {@code extraDirs}, or null for none */
    public WeightsResolver(Path cacheDir, URI url, boolean offline, List<Path> extraDirs, KerasCache keras,
                           WeightsDownload download) {
        this.download = download;
        this.cacheDir = cacheDir;
        this.url = url;
        this.offline = offline;
        this.extraDirs = List.copyOf(extraDirs);
        this.keras = keras;
    }

    public static WeightsResolver fromSettings(WeightsDownload download) {
        return fromSettings(Path.of(System.getProperty("user.home")), System.getenv("TORCH_HOME"),
                System.getenv("KERAS_HOME"), download);
    }

    /** The settings' resolver for a home folder and the TORCH_HOME / KERAS_HOME variables (null = unset). */
    static WeightsResolver fromSettings(Path home, String torchHome, String kerasHome, WeightsDownload download) {
        IstConfig c = IstConfig.fromSystem();
        Path cache = Path.of(c.get("ist.weights.cache-dir", home.resolve(".cache/ist/weights").toString()));
        Path torchCache = torchHome != null ? Path.of(torchHome, "hub", "checkpoints")
                : home.resolve(".cache/torch/hub/checkpoints");
        Path kerasModels = (kerasHome != null ? Path.of(kerasHome) : home.resolve(".keras")).resolve("models");
        return new WeightsResolver(cache, URI.create(c.get("ist.weights.url", DEFAULT_URL)),
                c.getBoolean("ist.weights.offline", false), List.of(torchCache),
                new KerasCache(kerasModels, KERAS_NOTOP_MD5), download);
    }

    public String fileName() {
        String path = url.getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** The local file of the default weights, downloading it if needed. */
    public Path resolve() {
        String name = fileName();
        List<Path> tried = new ArrayList<>();
        Path cached = cacheDir.resolve(name);
        tried.add(cached);
        if (Files.isRegularFile(cached)) {
            return cached;
        }
        for (Path dir : extraDirs) {
            Path p = dir.resolve(name);
            tried.add(p);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        if (keras != null) {
            Path p = keras.dir().resolve(KERAS_NOTOP_FILE);
            tried.add(p);
            if (Files.isRegularFile(p)) {
                return verifiedKerasFile(p);
            }
        }
        if (offline) {
            throw new WeightsException("no VGG19 weights found (looked in " + tried + ") and downloading is off"
                    + " (ist.weights.offline); pass --weights FILE");
        }
        return download(cached, tried);
    }

    /** Keras' file as Keras would accept it: a damaged or different file is refused, never used or replaced. */
    private Path verifiedKerasFile(Path p) {
        String md5 = WeightsLoader.md5(p);
        if (!md5.equalsIgnoreCase(keras.md5())) {
            throw new WeightsException("checksum mismatch for Keras' VGG19 weights " + p + ": Keras pins MD5 "
                    + keras.md5() + ", the file hashes to " + md5 + " (a partial or different download?); delete it"
                    + " to let Keras fetch it again, or pass --weights FILE");
        }
        return p;
    }

    public Vgg19Weights load() {
        return WeightsLoader.load(resolve(), null);
    }

    private Path download(Path target, List<Path> tried) {
        Path tmp = null;
        try {
            Files.createDirectories(cacheDir);
            tmp = Files.createTempFile(cacheDir, fileName(), ".part");
            try {
                download.copy(url, tmp);
            } catch (WeightsException e) {
                throw new WeightsException(e.getMessage() + " (looked locally in " + tried + ")", e);
            }
            String expected = WeightsLoader.expectedHashPrefix(fileName());
            String actual = WeightsLoader.sha256(tmp);
            if (expected != null && !actual.startsWith(expected)) {
                throw new WeightsException("checksum mismatch for weights downloaded from " + url + ": expected SHA-256 "
                        + expected + "..., got " + actual.substring(0, 16) + "...");
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new WeightsException("no VGG19 weights: not found in " + tried + " and downloading " + url
                    + " failed (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + "); pass --weights FILE", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WeightsException("download of " + url + " interrupted", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort clean-up of a partial download
                }
            }
        }
    }
}
