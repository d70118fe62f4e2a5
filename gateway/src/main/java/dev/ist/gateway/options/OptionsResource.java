package dev.ist.gateway.options;

import dev.ist.common.job.JobLimits;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /v1/options}: what a job may ask for on this gateway. The page sets its form's bounds and defaults from
 * it, so an operator who changes {@code ist.limits.*} changes the page too. Read-only and the same for every caller.
 */
@Path("/v1/options")
@Tag(name = "options")
public class OptionsResource {

    private final OptionsView view;

    public OptionsResource(JobLimits limits) {
        // limits are read once at start (a @Singleton), so the view is too
        this.view = OptionsView.of(limits);
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Defaults and bounds of the job options",
            description = "Each option's default and the bounds POST /v1/jobs checks (ist.limits.* on this "
                    + "gateway): numbers with minimum/maximum (or exclusiveMinimum/exclusiveMaximum), choices with "
                    + "their values, switches with their defaults, layer lists, the style count and upload bounds.")
    @APIResponse(responseCode = "200", description = "The options",
            content = @Content(schema = @Schema(implementation = OptionsView.class)))
    public OptionsView options() {
        return view;
    }
}
