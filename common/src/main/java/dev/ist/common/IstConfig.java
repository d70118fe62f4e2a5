package dev.ist.common;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Configuration lookup outside Quarkus. A key {@code ist.s3.access-key} is read from, in order: the explicit
 * overrides, the system property {@code ist.s3.access-key}, the environment variable {@code IST_S3_ACCESS_KEY}
 * (the same mapping Quarkus applies), then the default the caller gives.
 */
public final class IstConfig {

    private final Map<String, String> overrides;
    private final Function<String, String> systemProperties;
    private final Function<String, String> environment;

    public IstConfig(Map<String, String> overrides, Function<String, String> systemProperties,
                     Function<String, String> environment) {
        this.overrides = Map.copyOf(overrides);
        this.systemProperties = systemProperties;
        this.environment = environment;
    }

    /** System properties and the process environment. */
    public static IstConfig fromSystem() {
        return new IstConfig(Map.of(), System::getProperty, System::getenv);
    }

    /** Only the given map (tests). */
    public static IstConfig of(Map<String, String> values) {
        return new IstConfig(values, k -> null, k -> null);
    }

    public IstConfig withOverrides(Map<String, String> more) {
        java.util.HashMap<String, String> merged = new java.util.HashMap<>(overrides);
        merged.putAll(more);
        return new IstConfig(merged, systemProperties, environment);
    }

    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public Optional<String> get(String key) {
        String v = overrides.get(key);
        if (v == null) {
            v = systemProperties.apply(key);
        }
        if (v == null) {
            v = environment.apply(envName(key));
        }
        return Optional.ofNullable(v).map(String::trim).filter(s -> !s.isEmpty());
    }

    public String get(String key, String def) {
        return get(key).orElse(def);
    }

    public int getInt(String key, int def) {
        return get(key).map(v -> parse(key, v, Integer::parseInt)).orElse(def);
    }

    public long getLong(String key, long def) {
        return get(key).map(v -> parse(key, v, Long::parseLong)).orElse(def);
    }

    public double getDouble(String key, double def) {
        return get(key).map(v -> parse(key, v, Double::parseDouble)).orElse(def);
    }

    public boolean getBoolean(String key, boolean def) {
        return get(key).map(v -> {
            if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(v);
            }
            throw new IllegalArgumentException("config " + key + " must be true or false, was '" + v + "'");
        }).orElse(def);
    }

    /** Durations as ISO-8601 ({@code PT30S}) or a number with a unit: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}. */
    public Duration getDuration(String key, Duration def) {
        return get(key).map(v -> parse(key, v, IstConfig::parseDuration)).orElse(def);
    }

    static Duration parseDuration(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        if (s.startsWith("pt") || s.startsWith("p")) {
            return Duration.parse(s.toUpperCase(Locale.ROOT));
        }
        if (s.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
        }
        long n = Long.parseLong(s.substring(0, s.length() - 1));
        return switch (s.charAt(s.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n); // as Quarkus reads the gateway's "7d"
            default -> Duration.ofSeconds(Long.parseLong(s));
        };
    }

    private static <T> T parse(String key, String value, Function<String, T> parser) {
        try {
            return parser.apply(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("config " + key + " (env " + envName(key) + ") has an invalid value '"
                    + value + "'", e);
        }
    }
}
