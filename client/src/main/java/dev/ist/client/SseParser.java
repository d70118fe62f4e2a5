package dev.ist.client;

import java.util.ArrayList;
import java.util.List;

/**
 * The text/event-stream grammar of the HTML specification, one line at a time: {@code id:}, {@code event:},
 * {@code data:} (several lines join with {@code \n}), {@code retry:}, comments ({@code :...}, the gateway's
 * heartbeats), and a blank line that dispatches the event. Transport-free so it can be tested on strings and fed
 * by any reader.
 */
public final class SseParser {

    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private String type;
    /** The id field seen so far; it becomes {@link #lastEventId} only when its event is complete. */
    private String idBuffer;
    private String lastEventId;
    private Long retryMillis;
    private int comments;

    /** Starts with the id a previous connection ended on (null: none), so a resumed stream keeps counting. */
    public SseParser(String lastEventId) {
        this.lastEventId = lastEventId;
        this.idBuffer = lastEventId;
    }

    /** Feeds one line without its terminator; returns the event a blank line completes, else null. */
    public SseEvent line(String line) {
        if (line.isEmpty()) {
            return dispatch();
        }
        if (line.charAt(0) == ':') {
            comments++;
            return null;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "data" -> {
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
            }
            case "event" -> type = value;
            // an id with NUL is ignored, per the specification
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    idBuffer = value;
                }
            }
            case "retry" -> {
                if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
                    try {
                        retryMillis = Long.parseLong(value);
                    } catch (NumberFormatException ignored) {
                        // more digits than a long: ignored like any other invalid retry
                    }
                }
            }
            default -> {
                // unknown fields are ignored
            }
        }
        return null;
    }

    /** Feeds a chunk of text that may hold several lines (LF, CR or CRLF); returns the events it completes. */
    public List<SseEvent> text(String chunk) {
        List<SseEvent> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < chunk.length(); i++) {
            char c = chunk.charAt(i);
            if (c == '\n' || c == '\r') {
                SseEvent e = line(chunk.substring(start, i));
                if (e != null) {
                    out.add(e);
                }
                if (c == '\r' && i + 1 < chunk.length() && chunk.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        if (start < chunk.length()) {
            throw new IllegalArgumentException("text must end with a line terminator");
        }
        return out;
    }

    private SseEvent dispatch() {
        // only a complete event moves the id: a connection cut between "id:" and the blank line must resume
        // before that event, or it would be lost
        lastEventId = idBuffer;
        String t = type == null || type.isEmpty() ? "message" : type;
        type = null;
        if (!hasData) {
            // an event without data is not dispatched (the id it may carry still counts)
            return null;
        }
        SseEvent e = new SseEvent(lastEventId, t, data.toString());
        data.setLength(0);
        hasData = false;
        return e;
    }

    /** The id of the last complete event: what to send as Last-Event-ID on reconnect; null before any. */
    public String lastEventId() {
        return lastEventId;
    }

    /** The reconnection delay the server asked for ({@code retry:}), null when it did not. */
    public Long retryMillis() {
        return retryMillis;
    }

    /** Comment lines seen (heartbeats). */
    public int comments() {
        return comments;
    }
}
