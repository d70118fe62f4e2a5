package dev.ist.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * The gateway's HTTP API over {@code java.net.http}: submit, status, cancel, events, result. Every refusal becomes a
 * {@link ProblemException}, every transport failure a {@link ClientException} with exit code 3.
 */
public final class GatewayClient {

    /** The JSON mapper of the client (plain Jackson: the API's bodies are read as trees, not server classes). */
    public static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String apiKey;
    private final HttpClient http;
    private final Duration requestTimeout;

    public GatewayClient(URI base, String apiKey, Duration requestTimeout) {
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b : b + "/");
        this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
        this.requestTimeout = requestTimeout;
        // redirects by hand: the result's presigned URL must not receive our Authorization header
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public URI base() {
        return base;
    }

    /** The submit answer: 202 (queued), or 201 when {@code Prefer: wait} saw the job finish. */
    public record Submitted(int status, JsonNode job) {
    }

    public Submitted submit(MultipartBody body, Integer waitSeconds, String idempotencyKey) {
        HttpRequest.Builder r = request("v1/jobs")
                .header("Content-Type", body.contentType())
                .POST(body.publisher());
        if (idempotencyKey != null) {
            r.header("Idempotency-Key", idempotencyKey);
        }
        if (waitSeconds != null) {
            r.header("Prefer", "wait=" + waitSeconds);
            // the gateway holds the request up to N seconds before it answers
            r.timeout(requestTimeout.plusSeconds(waitSeconds));
        }
        HttpResponse<byte[]> res = send(r.build());
        return new Submitted(res.statusCode(), json(res));
    }

    public JsonNode job(String id) {
        return json(send(request("v1/jobs/" + encode(id)).GET().build()));
    }

    public JsonNode cancel(String id) {
        return json(send(request("v1/jobs/" + encode(id)).DELETE().build()));
    }

    /**
     * Opens the job's event stream after {@code lastEventId} (null: from the start). Empty when the gateway answers
     * 204: the job has ended and every event was seen.
     */
    public Optional<InputStream> events(String id, String lastEventId) {
        HttpRequest.Builder r = request("v1/jobs/" + encode(id) + "/events").header("Accept", "text/event-stream")
                .GET();
        if (lastEventId != null) {
            r.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> res = sendRaw(r.build(), HttpResponse.BodyHandlers.ofInputStream());
        int s = res.statusCode();
        if (s == 204) {
            closeQuietly(res.body());
            return Optional.empty();
        }
        if (s != 200) {
            byte[] body;
            try (InputStream in = res.body()) {
                body = in.readNBytes(64 * 1024);
            } catch (IOException e) {
                body = new byte[0];
            }
            throw refusal(s, body, res.headers().firstValue("Retry-After").orElse(null));
        }
        return Optional.of(res.body());
    }

    /** GET {@code path} (relative to the gateway, or absolute) without following redirects; the body streams. */
    HttpResponse<InputStream> getStream(URI uri, boolean withKey) {
        HttpRequest.Builder r = HttpRequest.newBuilder(uri).timeout(requestTimeout).GET();
        if (withKey && apiKey != null) {
            r.header("Authorization", "Bearer " + apiKey);
        }
        return sendRaw(r.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    URI resolve(String path) {
        return base.resolve(path.startsWith("/") ? path.substring(1) : path);
    }

    static String encode(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder r = HttpRequest.newBuilder(resolve(path)).timeout(requestTimeout)
                .header("Accept", "application/json");
        if (apiKey != null) {
            r.header("Authorization", "Bearer " + apiKey);
        }
        return r;
    }

    private HttpResponse<byte[]> send(HttpRequest request) {
        HttpResponse<byte[]> res = sendRaw(request, HttpResponse.BodyHandlers.ofByteArray());
        if (res.statusCode() >= 400) {
            throw refusal(res.statusCode(), res.body(), res.headers().firstValue("Retry-After").orElse(null));
        }
        return res;
    }

    <T> HttpResponse<T> sendRaw(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw ClientException.unreachable("cannot reach the gateway at " + hostOf(request.uri())
                    + " (is it running? set --gateway or IST_GATEWAY)", e);
        } catch (HttpTimeoutException e) {
            throw ClientException.unreachable("the gateway at " + hostOf(request.uri()) + " did not answer within "
                    + request.timeout().map(Duration::toSeconds).orElse(0L) + " s", e);
        } catch (IOException e) {
            throw ClientException.unreachable("lost the connection to " + hostOf(request.uri()) + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException(ExitCodes.INTERRUPTED, "interrupted");
        }
    }

    static ProblemException refusal(int status, byte[] body, String retryAfter) {
        JsonNode node = null;
        try {
            node = body == null || body.length == 0 ? null : JSON.readTree(body);
        } catch (IOException notJson) {
            // a proxy's HTML error page: the status says enough
        }
        return new ProblemException(Problem.of(status, node, retryAfter));
    }

    private static JsonNode json(HttpResponse<byte[]> res) {
        try {
            return JSON.readTree(res.body());
        } catch (IOException e) {
            throw ClientException.unreachable("the gateway answered " + res.statusCode() + " with a body that is "
                    + "not JSON (is " + hostOf(res.uri()) + " an IST gateway?)", e);
        }
    }

    private static String hostOf(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing left to read
        }
    }
}
