package dev.ist.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Map;

/** {@code ist status}'s text: the job object of {@code GET /v1/jobs/{id}}, a field per line. */
public final class JobSummary {

    private JobSummary() {
    }

    public static String render(JsonNode job) {
        StringBuilder s = new StringBuilder();
        String id = job.path("id").asText();
        String status = job.path("status").asText();
        row(s, "id", id);
        String st = status;
        if (job.hasNonNull("workerId")) {
            st += " on " + job.path("workerId").asText();
        }
        if (job.path("cancelRequested").asBoolean(false)) {
            st += " (cancel requested)";
        }
        row(s, "status", st);
        JsonNode q = job.path("queue");
        if (q.isObject()) {
            row(s, "queue", "position " + q.path("position").asInt() + ", ETA "
                    + (q.hasNonNull("etaSeconds") ? ProgressLine.duration(q.path("etaSeconds").asLong()) : "unknown"));
        }
        JsonNode p = job.path("progress");
        if (p.isObject()) {
            JsonNode l = p.path("losses");
            String line = p.path("iteration").asInt() + "/" + p.path("total").asInt() + " iterations";
            if (p.path("scales").asInt(1) > 1) {
                line += ", scale " + (p.path("scale").asInt() + 1) + "/" + p.path("scales").asInt();
            }
            if (l.isObject()) {
                line += ", loss " + ProgressLine.num(l.path("total").asDouble(Double.NaN)) + " (content "
                        + ProgressLine.num(l.path("content").asDouble(Double.NaN)) + ", style "
                        + ProgressLine.num(l.path("style").asDouble(Double.NaN)) + ", tv "
                        + ProgressLine.num(l.path("tv").asDouble(Double.NaN)) + ")";
            }
            if (job.hasNonNull("etaSeconds")) {
                line += ", ETA " + ProgressLine.duration(job.path("etaSeconds").asLong());
            }
            row(s, "progress", line);
        }
        JsonNode f = job.path("failure");
        if (f.isObject()) {
            String code = f.hasNonNull("code") ? f.path("code").asText() : null;
            String msg = f.hasNonNull("message") ? f.path("message").asText() : null;
            row(s, "CANCELLED".equals(status) ? "reason" : "failure",
                    code == null ? String.valueOf(msg) : msg == null ? code : code + ": " + msg);
        }
        text(s, job, "submittedAt", "submitted");
        text(s, job, "updatedAt", "updated");
        text(s, job, "deadline", "deadline");
        JsonNode t = job.path("timingsMs");
        if (t.isObject() && t.has("total")) {
            row(s, "took", String.format(java.util.Locale.ROOT, "%.1f s", t.path("total").asLong() / 1000.0));
        }
        JsonNode links = job.path("links");
        for (Iterator<Map.Entry<String, JsonNode>> it = links.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!"self".equals(e.getKey())) {
                row(s, e.getKey(), e.getValue().asText());
            }
        }
        return s.toString();
    }

    private static void text(StringBuilder s, JsonNode job, String field, String label) {
        if (job.hasNonNull(field)) {
            row(s, label, job.path(field).asText());
        }
    }

    private static void row(StringBuilder s, String label, String value) {
        s.append(String.format("%-10s %s%n", label, value));
    }
}
