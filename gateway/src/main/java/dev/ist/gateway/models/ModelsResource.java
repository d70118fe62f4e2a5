package dev.ist.gateway.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ist.common.ObjectKeys;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.image.ImageInfo;
import dev.ist.common.job.FieldError;
import dev.ist.common.model.InvalidModelException;
import dev.ist.common.model.ModelInfo;
import dev.ist.common.storage.ImageStore;
import dev.ist.gateway.api.ProblemException;
import dev.ist.gateway.auth.Caller;
import dev.ist.gateway.auth.CurrentCaller;
import dev.ist.gateway.config.GatewaySettings;
import dev.ist.gateway.submit.ImageIntake;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
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
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The feed-forward model registry: operators upload ONNX style networks, everyone lists them (the page's model
 * picker), and jobs of mode FAST name one. Uploading needs a key whose name is in {@code ist.gateway.model-admins};
 * an anonymous caller may upload only with both {@code ist.gateway.allow-anonymous=true} and
 * {@code ist.gateway.allow-anonymous-model-upload=true} (a local, trusted setup).
 */
@Path("/v1/models")
@Tag(name = "models")
public class ModelsResource {

    private static final Set<String> METADATA_FIELDS = Set.of("name", "description", "minSide", "maxSide",
            "multipleOf", "tileSize", "tileOverlap", "inputScale");

    private final ModelCatalog catalog;
    private final OnnxModelCheck check;
    private final ImageIntake intake;
    private final ImageStore store;
    private final CurrentCaller caller;
    private final GatewaySettings settings;
    private final JsonCodec codec = JsonCodec.shared();

    public ModelsResource(ModelCatalog catalog, OnnxModelCheck check, ImageIntake intake, ImageStore store,
                          CurrentCaller caller, GatewaySettings settings) {
        this.catalog = catalog;
        this.check = check;
        this.intake = intake;
        this.store = store;
        this.caller = caller;
        this.settings = settings;
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Register a feed-forward style network (operators)",
            description = "Multipart: 'model' (ONNX, 1×3×H×W float RGB in and out, H/W may be dynamic), 'metadata' "
                    + "(JSON: name, description, minSide, maxSide, multipleOf, optional tileSize, tileOverlap, "
                    + "inputScale 255 or 1), optional 'preview' (PNG/JPEG). The model is loaded and run once on "
                    + "upload; a file that is not ONNX, has other shapes or does not run is refused with 422.")
    @APIResponse(responseCode = "201", description = "Registered",
            content = @Content(schema = @Schema(implementation = ModelView.class)))
    @APIResponse(responseCode = "403", description = "The key is not a model admin (ist.gateway.model-admins)")
    @APIResponse(responseCode = "413", description = "The body or the preview has too many bytes")
    @APIResponse(responseCode = "415", description = "The preview is not PNG or JPEG")
    @APIResponse(responseCode = "422", description = "Invalid metadata, or the network is not usable ONNX")
    public Response upload(@RestForm("model") FileUpload model, @RestForm("metadata") String metadata,
                           @RestForm("preview") FileUpload preview) {
        requireAdmin(caller.get());
        if (model == null) {
            throw ProblemException.malformed("model", "the ONNX file is required");
        }
        if (metadata == null || metadata.isBlank()) {
            throw ProblemException.malformed("metadata", "a JSON object with at least the model's name is required");
        }
        ModelInfo info = parseMetadata(metadata);
        List<FieldError> errors = info.validate();
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors.size() == 1 ? errors.get(0).toString()
                    : errors.size() + " metadata fields are invalid", errors, "invalid_model");
        }
        byte[] previewBytes = null;
        String previewType = null;
        if (preview != null) {
            previewBytes = intake.read("preview", preview);
            ImageInfo pi = intake.inspect("preview", previewBytes);
            previewType = pi.format().mediaType();
        }
        byte[] onnx;
        try {
            onnx = Files.readAllBytes(model.uploadedFile());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the uploaded model", e);
        }
        int probe = Math.max(info.minSide(), Math.min(64, info.maxSide()));
        probe = Math.max(info.multipleOf(), probe - probe % info.multipleOf());
        try {
            check.check(onnx, probe);
        } catch (InvalidModelException e) {
            throw new ProblemException(422, "invalid-model", "The model cannot be used", e.getMessage(),
                    List.of(new FieldError("model", e.getMessage())), "invalid_model").with("field", "model");
        }
        ModelInfo stored = catalog.register(new ModelInfo(info.name(), info.description(), info.minSide(),
                info.maxSide(), info.multipleOf(), info.tileSize(), info.tileOverlap(), info.inputScale(), null, null,
                Instant.now()), onnx, previewBytes, previewType);
        return Response.created(URI.create("/v1/models/" + stored.name())).entity(view(stored)).build();
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "List the registered style models")
    public Map<String, List<ModelView>> list() {
        return Map.of("models", catalog.list().stream().map(this::view).toList());
    }

    @GET
    @Path("/{name}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "One registered style model")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ModelView.class)))
    @APIResponse(responseCode = "404", description = "No model of this name")
    public ModelView get(@PathParam("name") String name) {
        return catalog.find(name).map(this::view).orElseThrow(() -> new ProblemException(404, "model-not-found",
                "Model not found", "no model named " + name + " is registered"));
    }

    private void requireAdmin(Caller who) {
        // anonymous access alone is not enough: model upload needs its own explicit switch
        boolean anonymousAllowed = settings.allowAnonymous() && settings.allowAnonymousModelUpload()
                && Caller.ANONYMOUS.equals(who.owner());
        boolean admin = settings.modelAdmins().orElse(List.of()).contains(who.owner());
        if (!admin && !anonymousAllowed) {
            throw new ProblemException(403, "forbidden", "Not allowed",
                    "uploading models needs an API key whose name is listed in ist.gateway.model-admins");
        }
    }

    private ModelInfo parseMetadata(String json) {
        JsonNode node;
        try {
            node = codec.mapper().readTree(json);
        } catch (IOException e) {
            throw ProblemException.malformed("metadata", "not valid JSON");
        }
        if (!(node instanceof ObjectNode obj)) {
            throw ProblemException.malformed("metadata", "must be a JSON object");
        }
        for (var it = obj.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!METADATA_FIELDS.contains(f)) {
                throw ProblemException.malformed("metadata." + f, "unknown field (known: " + METADATA_FIELDS + ")");
            }
        }
        if (!obj.hasNonNull("name") || !obj.get("name").isTextual()) {
            throw ProblemException.malformed("metadata.name", "is required, matching " + ObjectKeys.MODEL_NAME_PATTERN);
        }
        try {
            // fields left out are 0 here and take the defaults in withDefaults()
            ObjectNode full = codec.mapper().valueToTree(new ModelInfo(null, "", 0, 0, 0, 0, 0, 0, null, null, null));
            full.setAll(obj);
            return codec.mapper().treeToValue(full, ModelInfo.class).withDefaults();
        } catch (IOException e) {
            throw ProblemException.malformed("metadata", "a field has the wrong type (sizes are whole numbers, "
                    + "name and description text)");
        }
    }

    private ModelView view(ModelInfo i) {
        String url = i.previewKey() == null ? null : store.presignedGet(i.previewKey(), settings.presignExpiry());
        return ModelView.of(i, url);
    }
}
