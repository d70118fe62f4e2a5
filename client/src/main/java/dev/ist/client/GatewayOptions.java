package dev.ist.client;

import picocli.CommandLine.Option;

import java.net.URI;
import java.time.Duration;

/** Where the gateway is and which key to use: options shared by every client command. */
public final class GatewayOptions {

    static final String DEFAULT_GATEWAY = "http://127.0.0.1:8080";

    @Option(names = "--gateway", paramLabel = "URL",
            description = "the gateway (default: $IST_GATEWAY, else " + DEFAULT_GATEWAY + ")")
    String gateway;

    @Option(names = "--key", paramLabel = "KEY",
            description = "API key, sent as Authorization: Bearer (default: $IST_API_KEY; none = anonymous)")
    String key;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "how long one request may take (default ${DEFAULT-VALUE})")
    int timeoutSeconds;

    public GatewayClient client() {
        String url = gateway != null ? gateway : env("IST_GATEWAY", DEFAULT_GATEWAY);
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw ClientException.usage("--gateway is not a URL: " + url);
        }
        if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
            throw ClientException.usage("--gateway must be an http:// or https:// URL with a host, not '" + url + "'");
        }
        if (timeoutSeconds < 1) {
            throw ClientException.usage("--timeout must be at least 1 second");
        }
        return new GatewayClient(uri, key != null ? key : env("IST_API_KEY", null),
                Duration.ofSeconds(timeoutSeconds));
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
