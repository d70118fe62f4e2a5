package dev.ist.gateway.auth;

import dev.ist.common.job.LaneSchedule;
import dev.ist.common.job.Priority;
import dev.ist.gateway.config.GatewaySettings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The configured API keys, held only as SHA-256 hashes. Entries are {@code name:sha256hex}, optionally followed by
 * {@code :maxInFlight:submissionsPerMinute} to override the default limits for that key, and then by
 * {@code :maxPriority} ({@code high|normal|low}: the highest lane the key may submit to; an empty limit field keeps
 * the default, e.g. {@code ops:<hash>:::high}). Keys without one, and the anonymous caller, get the configured
 * default ({@code ist.gateway.limits.max-priority}, {@code normal}): HIGH must be granted. A presented key is hashed
 * and looked up; the key itself is never stored or logged.
 */
public final class ApiKeyRegistry {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    private final Map<String, Caller> byHash;
    private final boolean allowAnonymous;
    private final Caller anonymous;

    public ApiKeyRegistry(List<String> entries, boolean allowAnonymous, int defaultInFlight, int defaultPerMinute) {
        this(entries, allowAnonymous, defaultInFlight, defaultPerMinute, Priority.NORMAL);
    }

    public ApiKeyRegistry(List<String> entries, boolean allowAnonymous, int defaultInFlight, int defaultPerMinute,
                          Priority defaultMaxPriority) {
        this.allowAnonymous = allowAnonymous;
        this.anonymous = new Caller(Caller.ANONYMOUS, defaultInFlight, defaultPerMinute, defaultMaxPriority);
        Map<String, Caller> map = new HashMap<>();
        for (String raw : entries) {
            String entry = raw.trim();
            if (entry.isEmpty() || entry.startsWith("#")) {
                continue;
            }
            String[] parts = entry.split(":", -1);
            if (parts.length != 2 && parts.length != 4 && parts.length != 5) {
                throw new IllegalArgumentException("ist.gateway.api-keys entry '" + redact(entry)
                        + "' must be name:sha256hex, name:sha256hex:maxInFlight:submissionsPerMinute or "
                        + "name:sha256hex:maxInFlight:submissionsPerMinute:maxPriority");
            }
            String name = parts[0].trim();
            String hash = parts[1].trim().toLowerCase(Locale.ROOT);
            if (!NAME.matcher(name).matches() || Caller.ANONYMOUS.equals(name)) {
                throw new IllegalArgumentException("ist.gateway.api-keys: invalid key name '" + name + "'");
            }
            if (!HEX.matcher(hash).matches()) {
                throw new IllegalArgumentException("ist.gateway.api-keys: the hash of key '" + name
                        + "' must be 64 hex digits (sha256 of the key)");
            }
            int inFlight = parts.length >= 4 ? positive(parts[2], name, defaultInFlight) : defaultInFlight;
            int perMinute = parts.length >= 4 ? positive(parts[3], name, defaultPerMinute) : defaultPerMinute;
            Priority maxPriority = parts.length == 5 ? lane(parts[4], name) : defaultMaxPriority;
            if (map.put(hash, new Caller(name, inFlight, perMinute, maxPriority)) != null) {
                throw new IllegalArgumentException("ist.gateway.api-keys: two entries have the same hash");
            }
        }
        this.byHash = Map.copyOf(map);
    }

    public static ApiKeyRegistry from(GatewaySettings s) {
        List<String> entries = new ArrayList<>(s.apiKeys().orElse(List.of()));
        if (s.apiKeysFile().isPresent()) {
            try {
                entries.addAll(Files.readAllLines(Path.of(s.apiKeysFile().get()), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read ist.gateway.api-keys-file " + s.apiKeysFile().get()
                        + ": " + e.getMessage(), e);
            }
        }
        Priority maxPriority = LaneSchedule.parseLane(s.limits().maxPriority());
        if (maxPriority == null) {
            throw new IllegalArgumentException("ist.gateway.limits.max-priority must be high, normal or low, not '"
                    + s.limits().maxPriority() + "'");
        }
        return new ApiKeyRegistry(entries, s.allowAnonymous(), s.limits().maxInFlight(),
                s.limits().submissionsPerMinute(), maxPriority);
    }

    /** The caller for a presented key; empty when it is unknown. */
    public Optional<Caller> lookup(String presentedKey) {
        return Optional.ofNullable(byHash.get(sha256Hex(presentedKey)));
    }

    /** The anonymous caller, when anonymous access is enabled. */
    public Optional<Caller> anonymous() {
        return allowAnonymous ? Optional.of(anonymous) : Optional.empty();
    }

    public boolean allowAnonymous() {
        return allowAnonymous;
    }

    public int size() {
        return byHash.size();
    }

    public static String sha256Hex(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int positive(String v, String name, int whenEmpty) {
        if (v.isBlank()) {
            return whenEmpty;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("ist.gateway.api-keys: limits of key '" + name + "' must be positive");
    }

    private static Priority lane(String v, String name) {
        Priority p = LaneSchedule.parseLane(v);
        if (p == null) {
            throw new IllegalArgumentException("ist.gateway.api-keys: the max priority of key '" + name
                    + "' must be high, normal or low");
        }
        return p;
    }

    private static String redact(String entry) {
        int colon = entry.indexOf(':');
        return colon < 0 ? "…" : entry.substring(0, colon) + ":…";
    }
}
