package dev.ist.common.job;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A job's webhook as the client asked for it and as it travels on the jobs topic, so any gateway replica can deliver.
 *
 * @param url    where deliveries are POSTed (checked by the gateway at submit and again at connect time)
 * @param events which lifecycle events to deliver: {@code start}, {@code progress}, {@code completed}; absent or
 *               empty means all three
 */
public record WebhookSpec(String url, List<String> events) {

    public static final String START = "start";
    public static final String PROGRESS = "progress";
    public static final String COMPLETED = "completed";
    public static final Set<String> ALL = Set.of(START, PROGRESS, COMPLETED);

    public WebhookSpec {
        events = events == null ? null : List.copyOf(events);
    }

    /** Whether deliveries of {@code event} (one of {@link #ALL}) were asked for. */
    public boolean wants(String event) {
        return events == null || events.isEmpty()
                || events.stream().anyMatch(e -> e != null && e.toLowerCase(Locale.ROOT).equals(event));
    }
}
