package dev.ist.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where a followed job stands, from its events and (while queued) its polled status.
 *
 * @param jobId      the job
 * @param status     QUEUED, RUNNING, SUCCEEDED, FAILED or CANCELLED
 * @param position   queue position (1 = next), 0 when unknown
 * @param etaSeconds ETA the gateway gave while queued; null when unknown
 * @param iteration  iterations done (over all scales)
 * @param total      iterations asked for; 0 before the first progress event
 * @param scale      0-based pyramid scale
 * @param scales     number of scales
 * @param lossTotal  total loss at the latest iteration (NaN before any)
 * @param lossContent content term
 * @param lossStyle  style term
 * @param lossTv     total-variation term
 * @param elapsedMs  engine time since RUNNING at the latest progress event
 * @param workerId   the worker running it, null before RUNNING
 * @param failure    FAILED/CANCELLED: "CODE: message" or the reason; null otherwise
 */
public record JobProgress(String jobId, String status, int position, Long etaSeconds, int iteration, int total,
                          int scale, int scales, double lossTotal, double lossContent, double lossStyle, double lossTv,
                          long elapsedMs, String workerId, String failure) {

    public static JobProgress queued(String jobId) {
        return new JobProgress(jobId, "QUEUED", 0, null, 0, 0, 0, 1, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                0, null, null);
    }

    /** Folds one JobEvent (as the SSE stream or a webhook carries it) into the state. */
    public JobProgress with(JsonNode event) {
        String type = event.path("type").asText();
        String worker = event.hasNonNull("workerId") && !"gateway".equals(event.path("workerId").asText())
                ? event.path("workerId").asText() : workerId;
        JobProgress p = this;
        JsonNode progress = event.path("progress");
        if (progress.isObject()) {
            JsonNode l = progress.path("losses");
            p = new JobProgress(jobId, status, position, etaSeconds, progress.path("iteration").asInt(iteration),
                    progress.path("total").asInt(total), progress.path("scale").asInt(scale),
                    progress.path("scales").asInt(scales), l.path("total").asDouble(lossTotal),
                    l.path("content").asDouble(lossContent), l.path("style").asDouble(lossStyle),
                    l.path("tv").asDouble(lossTv), progress.path("elapsedMs").asLong(elapsedMs), worker, failure);
        }
        String next = "PROGRESS".equals(type) ? "RUNNING" : type.isEmpty() ? status : type;
        return new JobProgress(jobId, next, "QUEUED".equals(next) ? p.position : 0,
                "QUEUED".equals(next) ? p.etaSeconds : null, p.iteration, p.total, p.scale, p.scales, p.lossTotal,
                p.lossContent, p.lossStyle, p.lossTv, p.elapsedMs, worker, failureOf(event, p.failure));
    }

    /** Folds the job object of {@code GET /v1/jobs/{id}} in: its status and queue position. */
    public JobProgress withStatus(JsonNode job) {
        String s = job.path("status").asText(status);
        JsonNode q = job.path("queue");
        int pos = q.isObject() ? q.path("position").asInt(0) : 0;
        Long eta = q.isObject() && q.hasNonNull("etaSeconds") ? q.path("etaSeconds").asLong() : null;
        // an event may already have moved the job on; a status read earlier must not move it back
        String merged = "QUEUED".equals(status) ? s : status;
        return new JobProgress(jobId, merged, pos, eta, iteration, total, scale, scales, lossTotal, lossContent,
                lossStyle, lossTv, elapsedMs, workerId, failure);
    }

    /** Seconds left at the measured iteration rate; null before a rate is known. */
    public Long runningEtaSeconds() {
        if (iteration <= 0 || total <= 0 || elapsedMs <= 0) {
            return null;
        }
        double perIteration = (double) elapsedMs / iteration;
        return Math.max(0, Math.round(perIteration * (total - iteration) / 1000.0));
    }

    public boolean isTerminal() {
        return "SUCCEEDED".equals(status) || "FAILED".equals(status) || "CANCELLED".equals(status);
    }

    private static String failureOf(JsonNode event, String previous) {
        JsonNode f = event.path("failure");
        if (!f.isObject()) {
            return previous;
        }
        String code = f.hasNonNull("code") ? f.path("code").asText() : null;
        String message = f.hasNonNull("message") ? f.path("message").asText() : null;
        if (code != null && message != null) {
            return code + ": " + message;
        }
        return code != null ? code : message;
    }
}
