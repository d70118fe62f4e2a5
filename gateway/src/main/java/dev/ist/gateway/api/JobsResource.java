package dev.ist.gateway.api;

import dev.ist.gateway.auth.Caller;
import dev.ist.gateway.auth.CurrentCaller;
import dev.ist.gateway.capacity.AdmittedJob;
import dev.ist.gateway.capacity.FleetQuote;
import dev.ist.gateway.config.GatewaySettings;
import dev.ist.gateway.http.BoundedBody;
import dev.ist.gateway.submit.ImageIntake;
import dev.ist.gateway.submit.ImageSource;
import dev.ist.gateway.submit.Deadlines;
import dev.ist.gateway.submit.DraftMasks;
import dev.ist.gateway.submit.MaskParts;
import dev.ist.gateway.submit.JobDraft;
import dev.ist.gateway.submit.Submission;
import dev.ist.gateway.submit.SubmissionService;
import dev.ist.gateway.service.JobCancellation;
import dev.ist.gateway.service.JobImages;
import dev.ist.gateway.store.JobSnapshot;
import dev.ist.gateway.store.JobStore;
import dev.ist.gateway.store.ListCursor;
import dev.ist.gateway.store.QueueEstimator;
import dev.ist.gateway.store.JobState;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;
import org.jboss.resteasy.reactive.server.multipart.MultipartFormDataInput;

import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The job API: submit, status, list, cancel, result and preview. */
@Path("/v1/jobs")
@Tag(name = "jobs")
public class JobsResource {

    private final SubmissionService submissions;
    private final ImageIntake intake;
    private final JobStore store;
    private final QueueEstimator queue;
    private final JobAccess access;
    private final JobCancellation cancellation;
    private final JobImages images;
    private final CurrentCaller caller;
    private final GatewaySettings settings;
    private final PreferWait preferWait;

    public JobsResource(SubmissionService submissions, ImageIntake intake, JobStore store, QueueEstimator queue,
                        JobAccess access, JobCancellation cancellation, JobImages images, CurrentCaller caller,
                        GatewaySettings settings, PreferWait preferWait) {
        this.submissions = submissions;
        this.intake = intake;
        this.store = store;
        this.queue = queue;
        this.access = access;
        this.cancellation = cancellation;
        this.images = images;
        this.caller = caller;
        this.settings = settings;
        this.preferWait = preferWait;
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a job with its images",
            description = "Multipart: 'content' (one PNG/JPEG), 'style' (one or more), optional 'options' (JSON "
                    + "object, omitted fields take defaults), 'styleWeights' (comma-separated, one per style) and "
                    + "'priority' (high, normal or low; default normal; above the key's max-priority: 403). "
                    + "Masks (optional, grey PNG/JPEG of the content's aspect ratio within 10 %): 'mask<i>' over the "
                    + "output for style i, 'styleMask<i>' over style image i (its aspect), 'contentMask'.")
    @APIResponse(responseCode = "202", description = "Accepted; the job is queued (with its capacity estimate)",
            content = @Content(schema = @Schema(implementation = JobResponse.class)))
    @APIResponse(responseCode = "200", description = "dryRun=true: the estimate and which worker classes fit; "
            + "nothing is stored or queued", content = @Content(schema = @Schema(implementation = FleetQuote.class)))
    @APIResponse(responseCode = "201", description = "With Prefer: wait=N (N <= 60): the job finished within N "
            + "seconds; the body is the finished job with its result link (Preference-Applied: wait=N)",
            content = @Content(schema = @Schema(implementation = JobResponse.class)))
    @APIResponse(responseCode = "403", description = "The priority is above what this key may use")
    @APIResponse(responseCode = "413", description = "An image or mask has too many bytes, or the body does")
    @APIResponse(responseCode = "415", description = "An image is not PNG or JPEG")
    @APIResponse(responseCode = "422", description = "Invalid options, too many pixels or styles, a corrupt image, "
            + "a mask that is no image, of another aspect ratio, or for a style that does not exist, or "
            + "too-large-for-fleet: no advertised worker class fits the job (with largestFittingSize)")
    @APIResponse(responseCode = "429", description = "Key limits reached; see Retry-After")
    public Response submitForm(@RestForm("content") FileUpload content,
                               @RestForm("style") List<FileUpload> styles,
                               @RestForm("options") String options,
                               @RestForm("styleWeights") String styleWeights,
                               @RestForm("webhook") String webhook,
                               @RestForm("deadline") String deadline,
                               @RestForm("priority") String priority,
                               @RestForm(FileUpload.ALL) @Parameter(hidden = true) List<FileUpload> allFiles,
                               @Parameter(hidden = true) MultipartFormDataInput form,
                               @HeaderParam("Idempotency-Key") String idempotencyKey,
                               @HeaderParam("Prefer") String prefer,
                               @HeaderParam("Cancel-After") String cancelAfter,
                               @QueryParam("dryRun") @DefaultValue("false") boolean dryRun) {
        Caller who = caller.get();
        java.util.function.Supplier<JobDraft> draft = () -> {
            DraftFields.requireKnownParts(form.getValues().keySet());
            List<FileUpload> styleFiles = styles == null ? List.of() : styles;
            ImageSource c = content == null ? null : ImageSource.upload("content", intake.read("content", content));
            List<ImageSource> st = new ArrayList<>();
            if (styleFiles.size() <= submissions.limits().maxStyles()) {
                for (int i = 0; i < styleFiles.size(); i++) {
                    String field = "styles[" + i + "]";
                    st.add(ImageSource.upload(field, intake.read(field, styleFiles.get(i))));
                }
            } else {
                // refused by count before any of them is read
                styleFiles.forEach(f -> st.add(ImageSource.upload("styles", new byte[0])));
            }
            DraftMasks masks = st.size() <= submissions.limits().maxStyles()
                    ? MaskParts.read(allFiles, st.size(), intake) : DraftMasks.NONE;
            return new JobDraft(c, st, DraftFields.parseWeights(styleWeights), DraftFields.parseOptions(options),
                    DraftFields.parseWebhook(webhook), Deadlines.from(cancelAfter, deadline, Instant.now()), masks,
                    DraftFields.parsePriority(priority));
        };
        if (dryRun) {
            return quote(who, draft);
        }
        return answer(submissions.submit(who, idempotencyKey, draft), prefer);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a job that refers to images uploaded with POST /v1/images")
    @RequestBody(content = @Content(schema = @Schema(implementation = JsonJobRequest.class)))
    @APIResponse(responseCode = "202", description = "Accepted; the job is queued (with its capacity estimate)",
            content = @Content(schema = @Schema(implementation = JobResponse.class)))
    @APIResponse(responseCode = "200", description = "dryRun=true: the estimate and which worker classes fit; "
            + "nothing is stored or queued", content = @Content(schema = @Schema(implementation = FleetQuote.class)))
    @APIResponse(responseCode = "201", description = "With Prefer: wait=N (N <= 60): the job finished within N "
            + "seconds; the body is the finished job with its result link (Preference-Applied: wait=N)",
            content = @Content(schema = @Schema(implementation = JobResponse.class)))
    @APIResponse(responseCode = "413", description = "The body is over ist.gateway.limits.max-json-bytes")
    @APIResponse(responseCode = "404", description = "A referenced image or mask was not uploaded by this key")
    public Response submitJson(InputStream stream, @HeaderParam("Idempotency-Key") String idempotencyKey,
                               @HeaderParam("Prefer") String prefer,
                               @HeaderParam("Cancel-After") String cancelAfter,
                               @QueryParam("dryRun") @DefaultValue("false") boolean dryRun) {
        Caller who = caller.get();
        // capped while reading: a huge body is refused at the limit, never buffered whole
        byte[] body = BoundedBody.read(stream, settings.limits().maxJsonBytes(), "body");
        if (dryRun) {
            return quote(who, () -> DraftFields.parseJsonDraft(body, cancelAfter));
        }
        Submission s = submissions.submit(who, idempotencyKey, () -> DraftFields.parseJsonDraft(body, cancelAfter));
        return answer(s, prefer);
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The caller's jobs, newest first",
            description = "Follow links.next (or pass nextCursor as cursor) for the next page; page numbers still "
                    + "work but are deprecated: they cost more the deeper they go.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = JobPage.class)))
    @APIResponse(responseCode = "400", description = "status, cursor, page or size is invalid")
    public JobPage list(@QueryParam("status") String status,
                        @QueryParam("cursor") @Parameter(description = "nextCursor of the previous page") String cursor,
                        @QueryParam("page") @Parameter(deprecated = true,
                                description = "Deprecated: use cursor") Integer page,
                        @QueryParam("size") @DefaultValue("20") int size) {
        JobState state = null;
        if (status != null && !status.isBlank()) {
            try {
                state = JobState.valueOf(status.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw ProblemException.badParameter("status", "must be one of QUEUED, RUNNING, SUCCEEDED, FAILED, "
                        + "CANCELLED");
            }
        }
        if (page != null && page < 0) {
            throw ProblemException.badParameter("page", "must be >= 0");
        }
        if (size < 1 || size > 100) {
            throw ProblemException.badParameter("size", "must be between 1 and 100");
        }
        ListCursor after = null;
        if (cursor != null && !cursor.isBlank()) {
            try {
                after = ListCursor.decode(cursor.trim());
            } catch (IllegalArgumentException e) {
                throw ProblemException.badParameter("cursor", "must be a nextCursor this API returned");
            }
        }
        String owner = caller.get().owner();
        int pageNumber = page == null ? 0 : page;
        // one row more than asked tells whether a next page exists
        List<JobSnapshot> rows = store.list(owner, state, after, after == null ? pageNumber * size : 0, size + 1);
        boolean more = rows.size() > size;
        List<JobSnapshot> shown = more ? rows.subList(0, size) : rows;
        List<JobResponse> items = shown.stream().map(JobResponse::of).toList();
        Map<String, String> links = new HashMap<>();
        String filter = state == null ? "" : "&status=" + state.name();
        String next = more ? store.cursorAfter(shown.get(shown.size() - 1).jobId()).encode() : null;
        if (page != null) {
            links.put("self", "/v1/jobs?page=" + page + "&size=" + size + filter);
            if (more) {
                links.put("next", "/v1/jobs?page=" + (page + 1) + "&size=" + size + filter);
            }
        } else {
            links.put("self", "/v1/jobs?size=" + size + filter + (after == null ? "" : "&cursor=" + cursor.trim()));
            if (more) {
                links.put("next", "/v1/jobs?size=" + size + filter + "&cursor=" + next);
            }
        }
        int counted = store.count(owner, state, JobPage.COUNT_LIMIT + 1);
        boolean exact = counted <= JobPage.COUNT_LIMIT;
        return new JobPage(items, pageNumber, size, exact ? counted : JobPage.COUNT_LIMIT, exact, links, next);
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Status, progress, losses, timings and links of one job")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = JobResponse.class)))
    @APIResponse(responseCode = "404", description = "No such job for this caller")
    public JobResponse get(@PathParam("id") String id) {
        JobSnapshot job = access.require(caller.get(), id);
        JobResponse body = JobResponse.of(job, queue);
        return job.resultKey() != null && images.expired(job) ? body.withDataRemoved() : body;
    }

    @DELETE
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Cancel a job (idempotent)",
            description = "Publishes a cancel command that reaches whichever worker holds or will take the job; "
                    + "the job reaches CANCELLED when the worker confirms. A finished job is answered as it is.")
    @APIResponse(responseCode = "202", description = "Cancel requested",
            content = @Content(schema = @Schema(implementation = JobResponse.class)))
    @APIResponse(responseCode = "200", description = "The job had already finished",
            content = @Content(schema = @Schema(implementation = JobResponse.class)))
    @APIResponse(responseCode = "429", description = "Too many cancel requests; see Retry-After")
    public Response cancel(@PathParam("id") String id) {
        Caller who = caller.get();
        JobSnapshot job = access.require(who, id);
        if (job.state().isTerminal()) {
            return Response.ok(JobResponse.of(job)).build();
        }
        return Response.accepted(JobResponse.of(cancellation.cancel(who, job))).build();
    }

    @GET
    @Path("{id}/result")
    @Operation(summary = "The result image",
            description = "By default a 303 redirect to a short-lived presigned URL; download=stream sends the bytes.")
    @APIResponse(responseCode = "303", description = "Redirect to a presigned URL")
    @APIResponse(responseCode = "200", description = "The image (download=stream)", content = {
            @Content(mediaType = "image/png", schema = @Schema(type = SchemaType.STRING, format = "binary")),
            @Content(mediaType = "image/jpeg", schema = @Schema(type = SchemaType.STRING, format = "binary")),
            @Content(mediaType = "image/tiff", schema = @Schema(type = SchemaType.STRING, format = "binary"))})
    @APIResponse(responseCode = "400", description = "download is neither redirect nor stream")
    @APIResponse(responseCode = "409", description = "The job has no result (yet)")
    @APIResponse(responseCode = "410", description = "The result expired (ist.retention.job-objects) and was deleted")
    public Response result(@PathParam("id") String id, @QueryParam("download") @DefaultValue("redirect") String mode) {
        return images.result(access.require(caller.get(), id), mode);
    }

    @GET
    @Path("{id}/preview")
    @Operation(summary = "The latest preview image",
            description = "By default a 303 redirect to a short-lived presigned URL; download=stream sends the bytes.")
    @APIResponse(responseCode = "303", description = "Redirect to a presigned URL")
    @APIResponse(responseCode = "200", description = "The image (download=stream)", content = {
            @Content(mediaType = "image/png", schema = @Schema(type = SchemaType.STRING, format = "binary")),
            @Content(mediaType = "image/jpeg", schema = @Schema(type = SchemaType.STRING, format = "binary"))})
    @APIResponse(responseCode = "400", description = "download is neither redirect nor stream")
    @APIResponse(responseCode = "404", description = "No preview yet, or no such job for this caller")
    @APIResponse(responseCode = "410", description = "The previews expired (ist.retention.job-objects)")
    public Response preview(@PathParam("id") String id, @QueryParam("download") @DefaultValue("redirect") String mode) {
        return images.preview(access.require(caller.get(), id), mode);
    }

    /** {@code ?dryRun=true}: 200 with the capacity quote; nothing is stored or queued. */
    private Response quote(Caller who, java.util.function.Supplier<JobDraft> draft) {
        java.util.Optional<FleetQuote> q = submissions.dryRun(who, draft);
        return Response.ok(q.isPresent() ? q.get() : Map.of("note", "fast jobs are not quoted: they run tiled in "
                + "bounded memory")).build();
    }

    /** 202 with the job, or with {@code Prefer: wait=N} 201 once it has finished within N seconds. */
    private Response answer(Submission s, String prefer) {
        java.util.OptionalInt wait = PreferWait.parse(prefer);
        JobSnapshot job = s.job();
        boolean applied = false;
        if (wait.isPresent()) {
            java.util.Optional<JobSnapshot> after = preferWait.await(job.jobId(), wait.getAsInt());
            if (after.isPresent()) {
                applied = true;
                job = after.get();
            }
        }
        JobResponse body = JobResponse.of(job, queue);
        Object entity = s.quote() == null ? body : AdmittedJob.of(body, s.quote());
        Response.ResponseBuilder b = applied && job.state().isTerminal() ? Response.status(201).entity(entity)
                : Response.accepted(entity);
        b.location(java.net.URI.create("/v1/jobs/" + body.id()));
        if (applied) {
            b.header("Preference-Applied", "wait=" + wait.getAsInt());
        }
        if (s.duplicate()) {
            b.header("Idempotent-Replayed", "true");
        }
        return b.build();
    }
}
