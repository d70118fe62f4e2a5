package dev.ist.gateway.capacity;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.ist.common.capacity.Estimate;
import dev.ist.gateway.api.JobResponse;

/**
 * An accepted submit's body: the job as {@link JobResponse} shows it, plus its {@code estimate} and, in
 * {@code capacity}, whether the fleet was known when it was admitted and the worker pool it was published to.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AdmittedJob(@JsonUnwrapped JobResponse job, Estimate estimate, Capacity capacity) {

    /**
     * @param fleetKnown false: no worker had advertised its capacity, the job was admitted without knowing
     * @param pool       the worker pool the job was published to
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Capacity(boolean fleetKnown, String note, String pool) {
    }

    public static AdmittedJob of(JobResponse job, FleetQuote quote) {
        return new AdmittedJob(job, quote.estimate(), new Capacity(quote.fleetKnown(), quote.note(), quote.pool()));
    }
}
