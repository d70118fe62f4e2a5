package dev.ist.client;

/**
 * One dispatched Server-Sent Event.
 *
 * @param id   the stream's last event id after this event (the {@code id:} field, or the one before it); null if none
 * @param type the {@code event:} field, {@code message} when absent (as the HTML specification says)
 * @param data the {@code data:} lines joined with {@code \n}
 */
public record SseEvent(String id, String type, String data) {
}
