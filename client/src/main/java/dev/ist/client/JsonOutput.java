package dev.ist.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code --log-json}: one JSON object per line on stdout, each with {@code kind} and {@code jobId}. Kinds:
 * {@code submitted} (status, http), {@code event} (the gateway's JobEvent fields: seq, type, at, workerId,
 * progress, failure, …, plus etaSeconds while running), {@code queue} (position, etaSeconds), {@code reconnect}
 * (attempt, delayMs, lastEventId, reason), {@code result} (file, bytes), {@code note} (text).
 */
public final class JsonOutput implements FollowOutput {

    private final PrintStream out;

    public JsonOutput(PrintStream out) {
        this.out = out;
    }

    @Override
    public void submitted(JsonNode job, int http) {
        ObjectNode n = line("submitted", job.path("id").asText());
        n.put("status", job.path("status").asText());
        n.put("http", http);
        emit(n);
    }

    @Override
    public void progress(JobProgress state, JsonNode event) {
        ObjectNode n = line(event == null ? "queue" : "event", state.jobId());
        if (event == null) {
            n.put("position", state.position());
            if (state.etaSeconds() == null) {
                n.putNull("etaSeconds");
            } else {
                n.put("etaSeconds", state.etaSeconds());
            }
        } else {
            event.fields().forEachRemaining(f -> {
                if (!"jobId".equals(f.getKey()) && !f.getValue().isNull()) {
                    n.set(f.getKey(), f.getValue());
                }
            });
            Long eta = state.runningEtaSeconds();
            if ("PROGRESS".equals(event.path("type").asText()) && eta != null) {
                n.put("etaSeconds", eta);
            }
        }
        emit(n);
    }

    @Override
    public void reconnecting(String jobId, int attempt, Duration delay, String lastEventId, String reason) {
        ObjectNode n = line("reconnect", jobId);
        n.put("attempt", attempt);
        n.put("delayMs", delay.toMillis());
        n.put("lastEventId", lastEventId);
        n.put("reason", reason);
        emit(n);
    }

    @Override
    public void result(String jobId, Path file, long bytes) {
        ObjectNode n = line("result", jobId);
        n.put("file", file.toString());
        n.put("bytes", bytes);
        emit(n);
    }

    @Override
    public void note(String jobId, String text) {
        ObjectNode n = line("note", jobId);
        n.put("text", text);
        emit(n);
    }

    @Override
    public void finish() {
        out.flush();
    }

    private static ObjectNode line(String kind, String jobId) {
        ObjectNode n = GatewayClient.JSON.createObjectNode();
        n.put("kind", kind);
        n.put("jobId", jobId);
        return n;
    }

    private synchronized void emit(ObjectNode n) {
        out.println(n.toString());
        out.flush();
    }
}
