package dev.ist.common;

/**
 * Topic names, configurable with {@code ist.topics.jobs|events|dlq|control}.
 *
 * @param jobs    job requests, key = job id
 * @param events  every state change and progress tick, key = job id
 * @param dlq     requests that can never succeed, with the reason
 * @param control cancellation commands, read by every worker
 */
public record Topics(String jobs, String events, String dlq, String control) {

    public static Topics defaults() {
        return new Topics("ist.jobs", "ist.events", "ist.jobs.dlq", "ist.control");
    }

    public static Topics from(IstConfig config) {
        Topics d = defaults();
        return new Topics(
                config.get("ist.topics.jobs", d.jobs()),
                config.get("ist.topics.events", d.events()),
                config.get("ist.topics.dlq", d.dlq()),
                config.get("ist.topics.control", d.control()));
    }
}
