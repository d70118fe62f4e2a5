package dev.ist.client;

/** What {@code ist submit|status|cancel|fetch} exit with, so scripts can tell the cases apart. */
public final class ExitCodes {
    /** The job succeeded (submit --follow, fetch) or the request was answered. */
    public static final int OK = 0;
    /** The job ended FAILED or CANCELLED. */
    public static final int JOB_FAILED = 1;
    /** Bad usage or client input: an unknown option, an unreadable file, a 4xx answer of the gateway. */
    public static final int USAGE = 2;
    /** The gateway is unreachable, timed out or answered 5xx. */
    public static final int GATEWAY = 3;
    /** Interrupted (Ctrl-C) and the job left running. */
    public static final int INTERRUPTED = 130;

    private ExitCodes() {
    }
}
