package dev.ist.gateway.api;

import dev.ist.gateway.auth.Caller;
import dev.ist.gateway.auth.CurrentCaller;
import dev.ist.gateway.store.JobSnapshot;
import dev.ist.gateway.store.JobStore;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /v1/jobs/{id}/events}: the job's events as Server-Sent Events. */
@Path("/v1/jobs/{id}/events")
@Tag(name = "jobs")
public class JobEventsResource {

    private final JobAccess access;
    private final JobStore store;
    private final SseHub hub;
    private final CurrentCaller caller;

    public JobEventsResource(JobAccess access, JobStore store, SseHub hub, CurrentCaller caller) {
        this.access = access;
        this.store = store;
        this.hub = hub;
        this.caller = caller;
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Follow a job's events",
            description = "Each SSE event has id = the event's seq and data = the JobEvent JSON. Reconnecting with "
                    + "Last-Event-ID (header, or the lastEventId query parameter) replays what was missed. The stream "
                    + "ends after the terminal event; asking again after it answers 204, which tells EventSource "
                    + "clients to stop reconnecting.")
    @APIResponse(responseCode = "200", description = "The event stream: each data line is a JobEvent",
            content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS,
                    schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "400", description = "Last-Event-ID is not an event id")
    @APIResponse(responseCode = "429", description = "The key has its maximum of open event streams")
    @APIResponse(responseCode = "204", description = "The job has finished and the client has seen every event")
    public void events(@PathParam("id") String id,
                       @HeaderParam("Last-Event-ID") String lastEventHeader,
                       @QueryParam("lastEventId") String lastEventQuery,
                       @Context SseEventSink sink,
                       @Context Sse sse) {
        Caller who = caller.get();
        JobSnapshot job = access.require(who, id);
        long after = parseLastEventId(lastEventHeader != null ? lastEventHeader : lastEventQuery);
        if (job.state().isTerminal() && store.eventsAfter(id, after).isEmpty()) {
            throw new WebApplicationException(Response.noContent().build());
        }
        if (!hub.open(who.owner(), id, after, sink, sse)) {
            throw ProblemException.notFound(id);
        }
    }

    private static long parseLastEventId(String raw) {
        if (raw == null || raw.isBlank()) {
            return -1;
        }
        try {
            long v = Long.parseLong(raw.trim());
            if (v >= -1) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ProblemException.badParameter("Last-Event-ID", "must be the id (a sequence number) of an event");
    }
}
