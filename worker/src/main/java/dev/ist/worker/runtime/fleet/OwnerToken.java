package dev.ist.worker.runtime.fleet;

import java.time.Instant;

/**
 * One attempt's claim on a job, as stored in {@code jobs/<id>/owner}: the attempt number (1, 2, …), a random token
 * only this attempt knows, the worker that made it and when. A later claim supersedes every earlier one.
 */
public record OwnerToken(String jobId, int attempt, String token, String workerId, Instant claimedAt) {

    public boolean sameAttempt(OwnerToken other) {
        return other != null && token.equals(other.token) && attempt == other.attempt;
    }
}
