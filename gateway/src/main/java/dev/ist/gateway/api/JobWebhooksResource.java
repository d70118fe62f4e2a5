package dev.ist.gateway.api;

import dev.ist.gateway.auth.CurrentCaller;
import dev.ist.gateway.store.JobSnapshot;
import dev.ist.gateway.webhooks.WebhookDelivery;
import dev.ist.gateway.webhooks.WebhookDispatcher;
import dev.ist.gateway.webhooks.WebhookLog;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.util.List;

/** A job's webhook deliveries: every attempt, and redelivery on request. */
@Path("/v1/jobs/{id}/webhooks")
@Tag(name = "jobs")
public class JobWebhooksResource {

    /** One delivery series as the API lists it (the signed body is left out: it is the job object). */
    public record DeliveryView(String id, String event, long seq, Instant eventAt, String url,
                               WebhookDelivery.State state, Instant nextAttemptAt,
                               List<WebhookDelivery.Attempt> attempts) {
        static DeliveryView of(WebhookDelivery d) {
            return new DeliveryView(d.id(), d.event(), d.seq(), d.eventAt(), d.url(), d.state(), d.nextAttemptAt(),
                    d.attempts());
        }
    }

    public record DeliveryList(String jobId, List<DeliveryView> deliveries) {
    }

    private final JobAccess access;
    private final CurrentCaller caller;
    private final WebhookLog log;
    private final WebhookDispatcher dispatcher;

    public JobWebhooksResource(JobAccess access, CurrentCaller caller, WebhookLog log, WebhookDispatcher dispatcher) {
        this.access = access;
        this.caller = caller;
        this.log = log;
        this.dispatcher = dispatcher;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The job's webhook deliveries: per event, its state and every attempt (time, status, "
            + "latency, error; status 0 = no response)")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = DeliveryList.class)))
    @APIResponse(responseCode = "404", description = "No such job for this caller")
    public DeliveryList list(@PathParam("id") String id) {
        JobSnapshot job = access.require(caller.get(), id);
        return new DeliveryList(job.jobId(), log.forJob(job.jobId()).stream().map(DeliveryView::of).toList());
    }

    @POST
    @Path("redeliver")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Deliver again: the failed deliveries (or the latest one) get a fresh retry window and an "
            + "attempt now, with the same webhook-id")
    @APIResponse(responseCode = "202", content = @Content(schema = @Schema(implementation = DeliveryList.class)))
    @APIResponse(responseCode = "409", description = "The job has no webhook")
    public jakarta.ws.rs.core.Response redeliver(@PathParam("id") String id) {
        JobSnapshot job = access.require(caller.get(), id);
        if (job.request().webhook() == null) {
            throw new ProblemException(409, "no-webhook", "The job has no webhook",
                    "job " + id + " was submitted without a webhook");
        }
        List<DeliveryView> after = dispatcher.redeliver(job.jobId()).stream().map(DeliveryView::of).toList();
        return jakarta.ws.rs.core.Response.accepted(new DeliveryList(job.jobId(), after)).build();
    }
}
