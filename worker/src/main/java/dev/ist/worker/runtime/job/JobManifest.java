package dev.ist.worker.runtime.job;

import dev.ist.common.event.Losses;
import dev.ist.common.job.JobOptions;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What {@code jobs/<id>/manifest.json} records about a finished job: enough to reproduce it (options, seed, input
 * hashes, weights checksum, versions) and to see where its time went.
 *
 * @param timingsMs        queueWait, fetch, targets, optimise, store, total
 * @param resumedFrom      the checkpoint iteration this run continued from, or null
 * @param styleCache       "hit" or "miss"
 */
public record JobManifest(
        int v,
        String jobId,
        String workerId,
        String device,
        Instant submittedAt,
        Instant finishedAt,
        String contentSha256,
        List<String> styleSha256,
        JobOptions options,
        long seed,
        Weights weights,
        Map<String, String> versions,
        Map<String, Long> timingsMs,
        Integer resumedFrom,
        int iterations,
        int width,
        int height,
        Losses finalLosses,
        String styleCache,
        String resultKey) {

    public static final int SCHEMA_VERSION = 1;

    /**
     * The network: its weights, and the arithmetic it ran in ({@code precision}: FP32 or BF16 at the end of the run;
     * {@code precisionFallback}: why a bf16 run went on in fp32, else null; {@code precisionChoice}: why the run
     * started in that precision — for AUTO, the machine's measured fp32 and bf16 timings — or null).
     */
    public record Weights(String description, String sha256, String precision, String precisionFallback,
                          String precisionChoice) {
        /** Weights of a network that ran in fp32. */
        public Weights(String description, String sha256) {
            this(description, sha256, "FP32", null, null);
        }
    }
}
