package dev.ist.gateway.service;

import dev.ist.common.ObjectKeys;
import dev.ist.common.storage.ImageStore;
import dev.ist.common.storage.ObjectNotFoundException;
import dev.ist.gateway.api.ProblemException;
import dev.ist.gateway.config.GatewaySettings;
import dev.ist.gateway.storage.PublicPresigner;
import dev.ist.gateway.store.JobSnapshot;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;

/** A job's result and preview images: a redirect to a presigned URL, or the bytes; never another job's objects. */
@Singleton
public class JobImages {

    private final ImageStore store;
    private final PublicPresigner presigner;
    private final GatewaySettings settings;
    /** The workers' storage janitor deletes a job's images this long after it finished, not before. */
    private final Duration objectRetention;

    public JobImages(ImageStore store, PublicPresigner presigner, GatewaySettings settings,
                     @ConfigProperty(name = "ist.retention.job-objects", defaultValue = "7d") Duration objectRetention) {
        this.store = store;
        this.presigner = presigner;
        this.settings = settings;
        this.objectRetention = objectRetention;
    }

    public Response result(JobSnapshot job, String mode) {
        String id = job.jobId();
        if (job.resultKey() == null) {
            throw new ProblemException(409, "no-result", "The job has no result",
                    "job " + id + " is " + job.state() + (job.state().isTerminal() ? "" : "; wait for SUCCEEDED"))
                    .with("status", job.state().name());
        }
        String ext = job.resultKey().substring(job.resultKey().lastIndexOf('.') + 1);
        return object(id, job.resultKey(), mode, "attachment; filename=\"ist-" + id + "." + ext + "\"");
    }

    public Response preview(JobSnapshot job, String mode) {
        if (job.previewKey() == null) {
            throw new ProblemException(404, "no-preview", "No preview yet",
                    "job " + job.jobId() + " has not reported a preview yet");
        }
        return object(job.jobId(), job.previewKey(), mode, "inline");
    }

    /**
     * Whether the storage janitor left its marker for the job (best effort: storage trouble reads as not). A job that
     * finished within {@code ist.retention.job-objects} cannot have been swept yet, so it is answered without asking
     * storage: that look-up was most of a GET's time.
     */
    public boolean expired(JobSnapshot job) {
        if (job.updatedAt() != null && job.updatedAt().isAfter(Instant.now().minus(objectRetention))) {
            return false;
        }
        try {
            return store.exists(ObjectKeys.expired(job.jobId()));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private Response object(String jobId, String key, String mode, String disposition) {
        // an event names the key; only the job's own objects are ever handed out, whatever it claims
        if (!key.startsWith(ObjectKeys.jobPrefix(jobId)) || key.contains("..")) {
            throw new ProblemException(404, "object-missing", "The image is gone",
                    "the job reported an image outside its own storage");
        }
        if (store.exists(ObjectKeys.expired(jobId))) {
            throw new ProblemException(410, "data-removed", "The job's images were removed",
                    "job " + jobId + " finished longer ago than the retention period; its result and previews "
                            + "were deleted").with("dataRemoved", true);
        }
        switch (mode) {
            case "redirect" -> {
                return Response.seeOther(URI.create(presigner.presignedGet(key, settings.presignExpiry())))
                        .header("Cache-Control", "no-store").build();
            }
            case "stream" -> {
                byte[] bytes;
                try {
                    bytes = store.get(key);
                } catch (ObjectNotFoundException e) {
                    throw new ProblemException(404, "object-missing", "The image is gone",
                            "the image was reported but is no longer in storage");
                }
                String type = key.endsWith(".png") ? "image/png" : key.endsWith(".tif") ? "image/tiff" : "image/jpeg";
                return Response.ok(bytes, type).header("Content-Disposition", disposition)
                        .header("Cache-Control", "no-store").build();
            }
            default -> throw ProblemException.badParameter("download", "must be redirect or stream");
        }
    }
}
