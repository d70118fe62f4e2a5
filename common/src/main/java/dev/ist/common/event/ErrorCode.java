package dev.ist.common.event;

/**
 * Machine-readable reasons a job failed or a message was dead-lettered. {@link #isPermanent()} says whether a retry
 * could ever succeed: permanent failures go to the dead-letter topic, transient ones are retried with backoff first.
 */
public enum ErrorCode {
    /** The request broke the contract (bad option, unknown layer, …). */
    INVALID_REQUEST(true),
    /** The payload on the jobs topic is not a request at all. */
    MALFORMED_MESSAGE(true),
    /** The schema version is one this service does not speak. */
    UNSUPPORTED_VERSION(true),
    /** An input object does not exist in storage. */
    INPUT_MISSING(true),
    /** An input does not decode as an image. */
    INPUT_CORRUPT(true),
    /** An input's format is not PNG or JPEG. */
    UNSUPPORTED_FORMAT(true),
    /** An input is over the byte or pixel limit (e.g. a decompression bomb). */
    INPUT_TOO_LARGE(true),
    /** The device ran out of memory; the message suggests a smaller size. */
    OUT_OF_MEMORY(true),
    /**
     * The job's estimated memory exceeds this worker's budget (checked before it starts); the message names the
     * largest size that fits. Permanent for this worker class.
     */
    TOO_LARGE_FOR_WORKER(true),
    /**
     * The job was started {@code ist.worker.max-job-attempts} times without ever finishing (each attempt killed its
     * worker: out-of-memory kill, native crash); the message lists the attempts and the last worker ids.
     */
    CRASH_LOOP(true),
    /**
     * The optimisation produced a NaN or infinite loss or gradient and could not step around it (the message says what
     * went non-finite and where); no result is written. The same job fails the same way on the same machine.
     */
    NON_FINITE_LOSS(true),
    /** The network weights are missing or fail their checksum on this worker. */
    WEIGHTS_UNAVAILABLE(false),
    /** Object storage could not be reached after retries. */
    STORAGE_UNAVAILABLE(false),
    /** Kafka could not be reached after retries. */
    BROKER_UNAVAILABLE(false),
    /** A bug: anything not classified above. */
    INTERNAL(false);

    private final boolean permanent;

    ErrorCode(boolean permanent) {
        this.permanent = permanent;
    }

    public boolean isPermanent() {
        return permanent;
    }
}
