package dev.ist.gateway.api;

import dev.ist.common.image.ImageInfo;
import dev.ist.gateway.auth.Caller;
import dev.ist.gateway.auth.CurrentCaller;
import dev.ist.gateway.http.BoundedBody;
import dev.ist.gateway.submit.SubmissionService;
import dev.ist.gateway.submit.ImageIntake;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;

/** Uploads one image to content-addressed storage; jobs can then refer to it by id. */
@Path("/v1/images")
@Tag(name = "images")
public class ImagesResource {

    private final ImageIntake intake;
    private final CurrentCaller caller;
    private final SubmissionService submissions;

    public ImagesResource(ImageIntake intake, CurrentCaller caller, SubmissionService submissions) {
        this.intake = intake;
        this.caller = caller;
        this.submissions = submissions;
    }

    @POST
    @Consumes({"image/png", "image/jpeg", MediaType.APPLICATION_OCTET_STREAM})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Upload one image as the request body",
            description = "The type is judged from the bytes, never from Content-Type. The same bytes get the same id.")
    @APIResponse(responseCode = "201", description = "Stored (or already stored: created=false)",
            content = @Content(schema = @Schema(implementation = StoredImageResponse.class)))
    @APIResponse(responseCode = "413", description = "Over ist.limits.max-input-bytes (refused as soon as crossed)")
    @APIResponse(responseCode = "503", description = "Too many uploads in progress; see Retry-After")
    @APIResponse(responseCode = "415", description = "Not PNG or JPEG by its content")
    @APIResponse(responseCode = "422", description = "Too many pixels, or the image does not decode")
    @APIResponse(responseCode = "429", description = "The key's per-minute budget is spent; see Retry-After")
    public Response upload(InputStream body) {
        Caller who = caller.get();
        submissions.chargeUpload(who);
        // spooled to disk with the cap applied while reading; only a checked, bounded file is read back
        java.nio.file.Path file = BoundedBody.spool(body, intake.maxBytes(), "image");
        try {
            return store(who, "image", intake.read("image", file));
        } finally {
            deleteQuietly(file);
        }
    }

    private static void deleteQuietly(java.nio.file.Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // the temporary directory is cleaned by the OS; the answer matters more
        }
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Upload one image as the multipart field 'image'")
    @APIResponse(responseCode = "201", description = "Stored (or already stored: created=false)",
            content = @Content(schema = @Schema(implementation = StoredImageResponse.class)))
    public Response uploadForm(@RestForm("image") FileUpload image) {
        Caller who = caller.get();
        submissions.chargeUpload(who);
        if (image == null) {
            throw ProblemException.invalid("the multipart field 'image' is required",
                    java.util.List.of(new dev.ist.common.job.FieldError("image", "is required")), "missing_image");
        }
        return store(who, "image", intake.read("image", image));
    }

    private Response store(Caller who, String field, byte[] bytes) {
        ImageInfo info = intake.inspect(field, bytes);
        ImageIntake.StoredImage s = intake.store(bytes, info, who.owner());
        StoredImageResponse body = new StoredImageResponse(s.ref().sha256(), s.ref().sha256(),
                info.format().mediaType(), info.width(), info.height(), s.size(), s.created());
        return Response.created(URI.create("/v1/images/" + s.ref().sha256())).entity(body).build();
    }
}
