package dev.ist.gateway.auth;

import dev.ist.gateway.config.GatewaySettings;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps anonymous mode from turning a browser into a weapon. Without a key, a state-changing request (POST, PUT,
 * PATCH, DELETE) must come from the gateway's own page: a foreign {@code Origin} is a cross-site form post, and a
 * {@code Host} outside the allow-list is DNS rebinding (evil.example resolving to 127.0.0.1). The allow-list is
 * {@code ist.gateway.allowed-hosts}, by default the listen address and the loopback names.
 */
@ApplicationScoped
public class AnonymousGuard {

    private final Set<String> allowedHosts = new HashSet<>();

    public AnonymousGuard(GatewaySettings settings,
                          @ConfigProperty(name = "quarkus.http.host", defaultValue = "localhost") String listenHost) {
        List<String> configured = settings.allowedHosts().orElse(List.of());
        if (configured.isEmpty()) {
            allowedHosts.add(hostOnly(listenHost));
            allowedHosts.addAll(List.of("localhost", "127.0.0.1", "[::1]", "::1"));
        } else {
            configured.forEach(h -> allowedHosts.add(hostOnly(h.trim())));
        }
    }

    /** Why the request is refused, or empty when it may go on. */
    public Optional<String> refusal(String method, String host, String origin) {
        if (!isStateChanging(method)) {
            return Optional.empty();
        }
        if (host == null || !allowedHosts.contains(hostOnly(host))) {
            return Optional.of("requests without an API key must be sent to an allowed host name "
                    + "(ist.gateway.allowed-hosts), not '" + shorten(host) + "'");
        }
        if (origin != null && !sameAuthority(origin, host)) {
            return Optional.of("requests without an API key are accepted only from the gateway's own page, not "
                    + "from origin '" + shorten(origin) + "'");
        }
        return Optional.empty();
    }

    private static boolean isStateChanging(String method) {
        return switch (method.toUpperCase(Locale.ROOT)) {
            case "POST", "PUT", "PATCH", "DELETE" -> true;
            default -> false;
        };
    }

    private static boolean sameAuthority(String origin, String host) {
        try {
            URI u = URI.create(origin.trim());
            if (u.getHost() == null) {
                return false; // "null" (sandboxed frames, file://) is never our page
            }
            String authority = u.getPort() < 0 ? u.getHost() : u.getHost() + ":" + u.getPort();
            String h = host.trim().toLowerCase(Locale.ROOT);
            String a = authority.toLowerCase(Locale.ROOT);
            // a browser omits the default port in Origin but may not in Host
            return a.equals(h) || a.equals(h.replaceFirst(":(80|443)$", ""));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static String hostOnly(String hostAndPort) {
        String h = hostAndPort.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 ? h.substring(0, end + 1) : h;
        }
        int colon = h.indexOf(':');
        return colon >= 0 && h.indexOf(':', colon + 1) < 0 ? h.substring(0, colon) : h;
    }

    private static String shorten(String s) {
        if (s == null) {
            return "";
        }
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
