package dev.ist.gateway.auth;

/**
 * Who is calling: the key's configured name (never the key itself) and the limits that apply to it.
 *
 * @param owner                the name jobs are recorded under ({@code anonymous} without a key)
 * @param maxInFlight          jobs not yet finished this caller may have
 * @param submissionsPerMinute submissions accepted per sliding minute
 */
public record Caller(String owner, int maxInFlight, int submissionsPerMinute) {

    public static final String ANONYMOUS = "anonymous";
}
