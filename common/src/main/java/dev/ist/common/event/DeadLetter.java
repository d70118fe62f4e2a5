package dev.ist.common.event;

import java.time.Instant;

/**
 * A request that can never succeed, with why. The original bytes are kept verbatim (base64) so nothing is lost even
 * when they are not valid JSON.
 *
 * @param jobId         the job id when it could be read (the record key), else null
 * @param sourceTopic   topic, partition and offset the message came from
 * @param payloadBase64 the original record value
 */
public record DeadLetter(int v, String jobId, String sourceTopic, int partition, long offset, Instant at,
                         String workerId, ErrorCode code, String reason, String payloadBase64) {

    public static final int SCHEMA_VERSION = 1;
}
