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

    /** Host header values (host or host:port) anonymous state-changing requests may carry; empty = the listen address. */
    @WithName("allowed-hosts")
    Optional<List<String>> allowedHosts();

    /** Lets an anonymous caller upload style models (only with allow-anonymous; a separate, explicit choice). */
    @WithName("allow-anonymous-model-upload")
    @WithDefault("false")
    boolean allowAnonymousModelUpload();

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

    /** How often each gateway looks for unfinished jobs past their deadline (Cancel-After) and cancels them. */
    @WithName("deadline-check-interval")
    @WithDefault("1s")
    Duration deadlineCheckInterval();

    interface Limits {
        @WithName("max-in-flight")
        @WithDefault("4")
        int maxInFlight();

        @WithName("submissions-per-minute")
        @WithDefault("30")
        int submissionsPerMinute();

        /** The highest priority lane ({@code high|normal|low}) of keys that do not name their own, and of anonymous. */
        @WithName("max-priority")
        @WithDefault("normal")
        String maxPriority();

        /** Bytes of a JSON job submission, enforced while reading (413 beyond). */
        @WithName("max-json-bytes")
        @WithDefault("1048576")
        long maxJsonBytes();

        /** Requests carrying image bytes (POST /v1/images, multipart POST /v1/jobs, POST /v1/models) at once. */
        @WithName("max-concurrent-uploads")
        @WithDefault("4")
        int maxConcurrentUploads();

        /** Retry-After sent with the 503 for max-concurrent-uploads. */
        @WithName("uploads-retry-after")
        @WithDefault("2s")
        Duration uploadsRetryAfter();

        /** Open event streams (SSE) per key; one more is refused with 429. */
        @WithName("max-streams-per-key")
        @WithDefault("8")
        int maxStreamsPerKey();

        /** Cancel requests per key per sliding minute (each one appends a record to the control topic). */
        @WithName("cancels-per-minute")
        @WithDefault("60")
        int cancelsPerMinute();

        /** Submissions held at once by {@code Prefer: wait=N}; beyond, the preference is not applied (202 at once). */
        @WithName("max-waiting-requests")
        @WithDefault("64")
        int maxWaitingRequests();

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

        /** How often open streams of queued jobs are checked for a moved queue position (pushed as a queue event). */
        @WithName("queue-interval")
        @WithDefault("250ms")
        Duration queueInterval();
    }

    Projector projector();

    interface Projector {
        /** Consumer group of the job-store projectors: replicas share the partitions (offsets live in the database). */
        @WithName("consumer-group")
        @WithDefault("ist-gateway-projector")
        String consumerGroup();

        /**
         * How long the projector group waits for a replica that stopped answering (kill -9, a partition) before
         * another takes its partitions over: the longest pause of projection after a crash (Kafka's default is 45 s).
         */
        @WithName("session-timeout")
        @WithDefault("10s")
        Duration sessionTimeout();
    }

    interface View {
        /** Older PROGRESS events of a running job are dropped from the job store beyond this many events. */
        @WithName("max-events-per-job")
        @WithDefault("2000")
        int maxEventsPerJob();

        /** Unused since job state moved to the job store ({@code ist.retention.jobs}); accepted for old configs. */
        @WithDefault("168h")
        Duration retention();

        /** How long a read of an unknown job waits for this replica's projector to catch up once after a start. */
        @WithName("ready-timeout")
        @WithDefault("30s")
        Duration readyTimeout();
    }
}
