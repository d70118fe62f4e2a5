package dev.ist.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Saves a job's result. {@code GET /v1/jobs/{id}/result} answers 303 to a short-lived presigned storage URL, which
 * is fetched without the API key (a presigned URL carries its own signature; S3 refuses a second credential). When
 * that URL cannot be reached from here (storage published under a name only the cluster knows), the bytes come
 * through the gateway instead ({@code ?download=stream}). The file appears only once complete.
 */
public final class ResultDownloader {

    /** A saved result. */
    public record Saved(Path file, long bytes) {
    }

    private final GatewayClient client;

    public ResultDownloader(GatewayClient client) {
        this.client = client;
    }

    /** Saves to {@code output}, or to {@code <jobId>.<ext>} in the working folder when null. */
    public Saved save(String jobId, Path output) {
        URI result = client.resolve("v1/jobs/" + GatewayClient.encode(jobId) + "/result");
        HttpResponse<InputStream> res = client.getStream(result, true);
        int s = res.statusCode();
        if (s == 200 && isJson(res)) {
            URI url = urlIn(res);
            res = fromStorage(jobId, url);
        } else if (s == 301 || s == 302 || s == 303 || s == 307 || s == 308) {
            GatewayClient.closeQuietly(res.body());
            String location = res.headers().firstValue("Location")
                    .orElseThrow(() -> ClientException.unreachable("the gateway redirected the result of job "
                            + jobId + " without a Location", null));
            res = fromStorage(jobId, result.resolve(location));
        } else if (s != 200) {
            throw refusal(res);
        }
        if (res.statusCode() != 200) {
            throw refusal(res);
        }
        Path target = output != null ? output : Path.of(jobId + "." + extension(res));
        return write(res.body(), target);
    }

    private HttpResponse<InputStream> fromStorage(String jobId, URI url) {
        try {
            HttpResponse<InputStream> r = client.getStream(url, false);
            if (r.statusCode() == 200) {
                return r;
            }
            GatewayClient.closeQuietly(r.body());
        } catch (ClientException unreachable) {
            if (unreachable.exitCode() != ExitCodes.GATEWAY) {
                throw unreachable;
            }
        }
        // through the gateway, which can always read its own storage
        return client.getStream(client.resolve("v1/jobs/" + GatewayClient.encode(jobId) + "/result?download=stream"),
                true);
    }

    private static ProblemException refusal(HttpResponse<InputStream> res) {
        byte[] body;
        try (InputStream in = res.body()) {
            body = in.readNBytes(64 * 1024);
        } catch (IOException e) {
            body = new byte[0];
        }
        return GatewayClient.refusal(res.statusCode(), body, res.headers().firstValue("Retry-After").orElse(null));
    }

    private static boolean isJson(HttpResponse<?> res) {
        return res.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT).contains("json");
    }

    private static URI urlIn(HttpResponse<InputStream> res) {
        try (InputStream in = res.body()) {
            JsonNode n = GatewayClient.JSON.readTree(in.readNBytes(1 << 20));
            String url = n.path("url").asText(null);
            if (url == null) {
                throw ClientException.unreachable("the gateway answered the result with JSON but no url", null);
            }
            return res.uri().resolve(url);
        } catch (IOException e) {
            throw ClientException.unreachable("could not read the result link: " + e.getMessage(), e);
        }
    }

    /** From the object's name (result.png), else its media type. */
    static String extension(HttpResponse<?> res) {
        String path = res.uri().getPath();
        String last = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
        int dot = last.lastIndexOf('.');
        if (dot > 0 && last.length() - dot <= 5) {
            return last.substring(dot + 1).toLowerCase(Locale.ROOT);
        }
        String type = res.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (type.contains("jpeg")) {
            return "jpg";
        }
        if (type.contains("tiff")) {
            return "tif";
        }
        return "png";
    }

    private static Saved write(InputStream body, Path target) {
        Path dir = target.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            GatewayClient.closeQuietly(body);
            throw ClientException.usage("output folder " + dir + " does not exist");
        }
        Path tmp;
        try {
            tmp = Files.createTempFile(dir, ".ist-download-", ".part");
        } catch (IOException e) {
            GatewayClient.closeQuietly(body);
            throw ClientException.usage("cannot write into " + dir + ": " + e.getMessage());
        }
        try (InputStream in = body) {
            long bytes = Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return new Saved(target, bytes);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort
            }
            throw ClientException.unreachable("downloading the result to " + target + " failed: " + e.getMessage(), e);
        }
    }
}
