package dev.ist.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Progress for people on stderr. On a terminal: one line rewritten in place with {@code \r}. Otherwise (a log, a
 * pipe): a plain line when the state changes, the queue position moves, or progress crosses a tenth.
 */
public final class HumanOutput implements FollowOutput {

    private final PrintStream err;
    private final boolean terminal;
    private int shownLength;
    private String lastStatus;
    private int lastPosition = -1;
    private long lastTenth = -1;

    public HumanOutput(PrintStream err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    @Override
    public synchronized void submitted(JsonNode job, int http) {
        finish();
        err.println("submitted job " + job.path("id").asText() + (http == 201 ? " (finished while we waited)" : ""));
    }

    @Override
    public synchronized void progress(JobProgress state, JsonNode event) {
        String line = ProgressLine.render(state);
        if (terminal && !state.isTerminal()) {
            // pad over the end of a longer previous line
            int pad = Math.max(0, shownLength - line.length());
            err.print("\r" + line + " ".repeat(pad));
            err.flush();
            shownLength = line.length();
            return;
        }
        long tenth = state.total() > 0 ? 10L * state.iteration() / state.total() : -1;
        boolean changed = !state.status().equals(lastStatus) || state.position() != lastPosition
                || ("RUNNING".equals(state.status()) && tenth != lastTenth);
        lastStatus = state.status();
        lastPosition = state.position();
        lastTenth = tenth;
        if (changed || state.isTerminal()) {
            finish();
            err.println(line);
        }
    }

    @Override
    public synchronized void reconnecting(String jobId, int attempt, Duration delay, String lastEventId,
                                          String reason) {
        finish();
        err.printf("lost the event stream of job %s (%s); reconnecting in %.1f s after event %s (attempt %d)%n",
                jobId, reason, delay.toMillis() / 1000.0, lastEventId == null ? "none" : lastEventId, attempt);
    }

    @Override
    public synchronized void result(String jobId, Path file, long bytes) {
        finish();
        err.println("result of job " + jobId + " saved to " + file + " (" + bytes + " bytes)");
    }

    @Override
    public synchronized void note(String jobId, String text) {
        finish();
        err.println(text);
    }

    @Override
    public synchronized void finish() {
        if (shownLength > 0) {
            err.println();
            shownLength = 0;
        }
    }
}
