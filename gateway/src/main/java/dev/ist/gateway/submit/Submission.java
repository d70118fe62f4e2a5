package dev.ist.gateway.submit;

import dev.ist.gateway.capacity.FleetQuote;
import dev.ist.gateway.store.JobSnapshot;

/**
 * The outcome of an accepted submit: the job, whether it already existed (an idempotent retry), and its capacity
 * quote (null: not quoted, e.g. a fast job or a replay).
 */
public record Submission(JobSnapshot job, boolean duplicate, FleetQuote quote) {
    public Submission(JobSnapshot job, boolean duplicate) {
        this(job, duplicate, null);
    }
}
