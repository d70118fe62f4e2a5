package dev.ist.gateway.config;

import dev.ist.common.IstConfig;
import org.eclipse.microprofile.config.Config;

import java.util.Map;

/**
 * Bridges Quarkus configuration (application.properties, system properties, {@code IST_*} environment variables)
 * into the {@link IstConfig} lookup that the common module's {@code from(IstConfig)} factories read.
 */
public final class QuarkusIstConfig {

    private QuarkusIstConfig() {
    }

    public static IstConfig of(Config config) {
        return new IstConfig(Map.of(), key -> config.getOptionalValue(key, String.class).orElse(null), key -> null);
    }
}
