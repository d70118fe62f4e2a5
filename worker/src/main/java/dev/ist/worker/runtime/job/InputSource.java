package dev.ist.worker.runtime.job;

import dev.ist.common.job.JobRequest;

/**
 * Where a job's input images come from. Permanent problems are a {@link JobFailure}; transient storage failures
 * propagate as {@link dev.ist.common.storage.StorageException} for the caller's retry budget.
 */
@FunctionalInterface
public interface InputSource {
    JobInputs fetch(JobRequest request) throws JobFailure;
}
