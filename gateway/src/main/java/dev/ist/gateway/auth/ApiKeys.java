package dev.ist.gateway.auth;

import dev.ist.gateway.config.GatewaySettings;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** The key registry of this gateway, read from configuration at start-up (a bad entry stops the start). */
@ApplicationScoped
@Startup
public class ApiKeys {

    private static final Logger LOG = Logger.getLogger(ApiKeys.class);

    private final ApiKeyRegistry registry;

    /** For the CDI proxy only. */
    protected ApiKeys() {
        this.registry = null;
    }

    @jakarta.inject.Inject
    public ApiKeys(GatewaySettings settings) {
        this.registry = ApiKeyRegistry.from(settings);
        LOG.infof("API keys configured: %d; anonymous access %s", registry.size(),
                registry.allowAnonymous() ? "ENABLED" : "disabled");
    }

    public ApiKeyRegistry registry() {
        return registry;
    }
}
