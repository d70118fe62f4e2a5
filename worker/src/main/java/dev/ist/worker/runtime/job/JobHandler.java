package dev.ist.worker.runtime.job;

/** Runs one message of the jobs topic to its end on the job thread and says what to do with its offset. */
@FunctionalInterface
public interface JobHandler {
    JobOutcome handle(JobMessage record, JobControl control);
}
