package dev.ist.gateway.auth;

import dev.ist.common.job.Priority;

/**
 * Who is calling: the key's configured name (never the key itself) and the limits that apply to it.
 *
 * @param owner                the name jobs are recorded under ({@code anonymous} without a key)
 * @param maxInFlight          jobs not yet finished this caller may have
 * @param submissionsPerMinute submissions accepted per sliding minute
 * @param maxPriority          the highest lane this caller may submit to (a higher one is a 403)
 */
public record Caller(String owner, int maxInFlight, int submissionsPerMinute, Priority maxPriority) {

    public static final String ANONYMOUS = "anonymous";

    public Caller {
        if (maxPriority == null) {
            maxPriority = Priority.NORMAL;
        }
    }

    /** A caller limited to the NORMAL lane. */
    public Caller(String owner, int maxInFlight, int submissionsPerMinute) {
        this(owner, maxInFlight, submissionsPerMinute, Priority.NORMAL);
    }

    /** Whether this caller may submit to {@code lane} (enum order: HIGH before NORMAL before LOW). */
    public boolean mayUse(Priority lane) {
        return lane.ordinal() >= maxPriority.ordinal();
    }
}
