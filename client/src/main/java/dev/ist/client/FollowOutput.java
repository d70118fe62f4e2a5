package dev.ist.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Duration;

/** What {@code ist submit --follow} shows: for people ({@link HumanOutput}) or for machines ({@link JsonOutput}). */
public interface FollowOutput {

    /** The gateway accepted the job ({@code http} 202, or 201 when Prefer: wait saw it finish). */
    void submitted(JsonNode job, int http);

    /** The job moved: {@code event} is the JobEvent that moved it, or null for a polled queue position. */
    void progress(JobProgress state, JsonNode event);

    void reconnecting(String jobId, int attempt, Duration delay, String lastEventId, String reason);

    void result(String jobId, Path file, long bytes);

    /** A line for people (interrupt questions, hints); machines get it as {@code {"kind":"note"}}. */
    void note(String jobId, String text);

    /** Ends an updating line before anything else is printed. */
    void finish();
}
