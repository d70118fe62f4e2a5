package dev.ist.worker.engine.weights;

import dev.ist.worker.engine.Settings;
import dev.ist.worker.engine.Vgg19Weights;
import dev.ist.worker.engine.WeightsException;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the default VGG19 weights: the IST cache, then torchvision's own cache
 * ({@code $TORCH_HOME/hub/checkpoints}), then a download from the official URL into the IST cache,
 * verified against the hash prefix in the file name. Never falls back to random weights.
 *
 * <p>Settings: {@code ist.weights.cache-dir} (default {@code ~/.cache/ist/weights}),
 * {@code ist.weights.url} (default torchvision's URL), {@code ist.weights.offline} (no download).
 */
public final class WeightsResolver {
    public static final String DEFAULT_URL = "https://download.pytorch.org/models/vgg19-dcbb9e9d.pth";

    private final Path cacheDir;
    private final URI url;
    private final boolean offline;
    private final List<Path> extraDirs;

    public WeightsResolver(Path cacheDir, URI url, boolean offline, List<Path> extraDirs) {
        this.cacheDir = cacheDir;
        this.url = url;
        this.offline = offline;
        this.extraDirs = List.copyOf(extraDirs);
    }

    public static WeightsResolver fromSettings() {
        String home = System.getProperty("user.home");
        Path cache = Path.of(Settings.get("ist.weights.cache-dir", Path.of(home, ".cache", "ist", "weights").toString()));
        String torchHome = System.getenv("TORCH_HOME");
        Path torchCache = torchHome != null ? Path.of(torchHome, "hub", "checkpoints")
                : Path.of(home, ".cache", "torch", "hub", "checkpoints");
        return new WeightsResolver(cache, URI.create(Settings.get("ist.weights.url", DEFAULT_URL)),
                Settings.getBoolean("ist.weights.offline", false), List.of(torchCache));
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
        if (offline) {
            throw new WeightsException("no VGG19 weights found (looked in " + tried + ") and downloading is off"
                    + " (ist.weights.offline); pass --weights FILE");
        }
        return download(cached, tried);
    }

    public Vgg19Weights load() {
        return WeightsLoader.load(resolve(), null);
    }

    private Path download(Path target, List<Path> tried) {
        Path tmp = null;
        try {
            Files.createDirectories(cacheDir);
            tmp = Files.createTempFile(cacheDir, fileName(), ".part");
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(15))
                    .followRedirects(HttpClient.Redirect.NORMAL).build();
            HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(url).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                if (response.statusCode() != 200) {
                    throw new WeightsException("downloading VGG19 weights from " + url + " failed with HTTP "
                            + response.statusCode() + " (looked locally in " + tried + ")");
                }
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
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
