package dev.ist.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The gateway's own settings ({@code ist.gateway.*}); each key is documented in application.properties. */
@ConfigMapping(prefix = "ist.gateway")
public interface GatewaySettings {

    /** {@code name:sha256hex} or {@code name:sha256hex:maxInFlight:submissionsPerMinute}. */
    @WithName("api-keys")
    Optional<List<String>> apiKeys();

    /** A file with one api-keys entry per line ({@code #} comments allowed). */
    @WithName("api-keys-file")
    Optional<String> apiKeysFile();

    @WithName("allow-anonymous")
    @WithDefault("false")
    boolean allowAnonymous();

    /** Key names (the part before ':' in api-keys) that may upload style models to POST /v1/models. */
    @WithName("model-admins")
    Optional<List<String>> modelAdmins();

    Limits limits();

    Sse sse();

    View view();

    /** How long presigned result/preview URLs stay valid. */
    @WithName("presign-expiry")
    @WithDefault("5m")
    Duration presignExpiry();

    interface Limits {
        @WithName("max-in-flight")
        @WithDefault("4")
        int maxInFlight();

        @WithName("submissions-per-minute")
        @WithDefault("30")
        int submissionsPerMinute();

        /** Retry-After sent when the in-flight limit refuses a job (nothing tells when a job will finish). */
        @WithName("in-flight-retry-after")
        @WithDefault("10s")
        Duration inFlightRetryAfter();
    }

    interface Sse {
        @WithDefault("15s")
        Duration heartbeat();

        /** The reconnection delay advised to clients ({@code retry:} field). */
        @WithName("retry")
        @WithDefault("2s")
        Duration retry();
    }

    interface View {
        /** Older PROGRESS events of a job are dropped beyond this many events (state is never lost). */
        @WithName("max-events-per-job")
        @WithDefault("2000")
        int maxEventsPerJob();

        /** How long a request that needs the full history (idempotent submit) waits for the view to catch up. */
        /** Finished jobs are forgotten this long after their last event (the topics' retention should match). */
        @WithDefault("168h")
        Duration retention();

        @WithName("ready-timeout")
        @WithDefault("30s")
        Duration readyTimeout();
    }
}
