package dev.ist.gateway.capacity;

import dev.ist.common.capacity.WorkerClass;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.ist.common.capacity.Estimate;

import java.util.List;

/**
 * What a job would cost and who could run it: the answer of {@code POST /v1/jobs?dryRun=true}, and the
 * {@code estimate} of an accepted submit.
 *
 * @param estimate           the estimate on the smallest worker class that fits it (with no workers advertised: the
 *                           measured CPU model without a memory budget, i.e. untiled)
 * @param workerClasses      every advertised class and whether it fits the job
 * @param fleetKnown         false when no worker has advertised its capacity: the gateway cannot know who fits
 * @param fits               some advertised class fits the job (true when the fleet is unknown)
 * @param largestFittingSize the largest {@code size} (long side) that some advertised class fits; absent when unknown
 * @param note               why the answer is what it is, in words
 * @param pool               the worker pool the job is (or would be) published to ({@link
 *                           dev.ist.common.capacity.PoolRouting}); absent when no class fits
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FleetQuote(Estimate estimate, List<ClassQuote> workerClasses, boolean fleetKnown, boolean fits,
                         Integer largestFittingSize, String note, String pool) {

    /**
     * One worker class's answer.
     *
     * @param workerClass        the class, with its {@code pool}
     * @param estimate           on this class (its budget decides the tiles), absent when it does not fit
     * @param largestFittingSize the largest size this class fits (same content and options)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ClassQuote(WorkerClass workerClass, boolean fits, Estimate estimate, int largestFittingSize,
                             String reason) {
    }

    public FleetQuote {
        workerClasses = List.copyOf(workerClasses);
    }
}
