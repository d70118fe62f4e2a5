package dev.ist.gateway.submit;

import dev.ist.gateway.view.JobSnapshot;

/** The outcome of an accepted submit: the job, and whether it already existed (an idempotent retry). */
public record Submission(JobSnapshot job, boolean duplicate) {
}
