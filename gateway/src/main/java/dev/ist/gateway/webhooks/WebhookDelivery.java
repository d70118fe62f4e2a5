package dev.ist.gateway.webhooks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One event's delivery series, persisted in storage so retries survive a restart and any replica can list them.
 *
 * @param id            the {@code webhook-id}: stable per event, the same on every retry
 * @param jobId         the job
 * @param event         start, progress or completed
 * @param seq           the job event's sequence number
 * @param eventAt       when the worker reported the event
 * @param url           where it goes
 * @param body          the job object as the status endpoint showed it when the event was read (signed as is)
 * @param state         PENDING (retries due), DELIVERED (a 2xx came back) or FAILED (retry-for ran out)
 * @param firstAttemptAt start of the retry window
 * @param nextAttemptAt when the next attempt is due (PENDING only)
 * @param attempts      every attempt: time, status code (0 = no response), latency, error
 */
public record WebhookDelivery(String id, String jobId, String event, long seq, Instant eventAt, String url,
                              String body, State state, Instant firstAttemptAt, Instant nextAttemptAt,
                              List<Attempt> attempts) {

    public enum State { PENDING, DELIVERED, FAILED }

    public record Attempt(Instant at, int status, long latencyMs, String error) {
    }

    public WebhookDelivery {
        attempts = attempts == null ? List.of() : List.copyOf(attempts);
    }

    public static String idFor(String jobId, long seq) {
        return "msg_" + jobId.replace("-", "") + "_" + seq;
    }

    WebhookDelivery after(Attempt attempt, State newState, Instant next) {
        List<Attempt> all = new ArrayList<>(attempts);
        all.add(attempt);
        // bounded: a day of retries with a long backoff is a few dozen attempts; keep the latest 100
        if (all.size() > 100) {
            all = all.subList(all.size() - 100, all.size());
        }
        return new WebhookDelivery(id, jobId, event, seq, eventAt, url, body, newState,
                firstAttemptAt == null ? attempt.at() : firstAttemptAt, next, all);
    }

    /** Armed again by a redelivery request: a fresh retry window from now. */
    WebhookDelivery rearmed(Instant now) {
        return new WebhookDelivery(id, jobId, event, seq, eventAt, url, body, State.PENDING, now, now, attempts);
    }
}
