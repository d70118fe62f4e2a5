package dev.ist.worker.engine;

import java.util.Locale;

/**
 * Reads a setting {@code ist.<area>.<name>} from a Java system property, else from the environment
 * variable {@code IST_<AREA>_<NAME>}, else the default.
 */
public final class Settings {
    private Settings() {
    }

    public static String get(String key, String defaultValue) {
        String v = System.getProperty(key);
        if (v == null || v.isBlank()) {
            v = System.getenv(envName(key));
        }
        return v == null || v.isBlank() ? defaultValue : v.trim();
    }

    public static long getLong(String key, long defaultValue) {
        String v = get(key, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new InvalidSpecException("setting " + key + " must be an integer, got '" + v + "'");
        }
    }

    public static boolean getBoolean(String key, boolean defaultValue) {
        String v = get(key, null);
        return v == null ? defaultValue : Boolean.parseBoolean(v);
    }

    public static String envName(String key) {
        return key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }
}
