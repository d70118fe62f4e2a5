package dev.ist.gateway.api;

import dev.ist.common.codec.JsonCodec;
import dev.ist.common.storage.StorageException;
import dev.ist.gateway.kafka.PublishException;
import dev.ist.gateway.metrics.GatewayMetrics;
import dev.ist.gateway.store.JobStoreUnavailableException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error leaves the API as {@code application/problem+json}; nothing leaks a stack trace to a client. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    private final GatewayMetrics metrics;

    public ProblemMappers(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        if (e.reason() != null) {
            metrics.refused(e.reason());
        }
        return respond(e, uri);
    }

    @ServerExceptionMapper
    public Response publish(PublishException e, UriInfo uri) {
        LOG.warnf("publishing failed: %s", e.getMessage());
        return respond(new ProblemException(503, "broker-unavailable", "The job queue is unavailable",
                "the job could not be queued (" + e.getMessage() + "); nothing was accepted, retry later")
                .retryAfter(5), uri);
    }

    @ServerExceptionMapper
    public Response storage(StorageException e, UriInfo uri) {
        LOG.warnf("storage failed: %s", e.getMessage());
        return respond(new ProblemException(503, "storage-unavailable", "Image storage is unavailable",
                "image storage could not be reached; nothing was accepted, retry later").retryAfter(5), uri);
    }

    @ServerExceptionMapper
    public Response jobStore(JobStoreUnavailableException e, UriInfo uri) {
        LOG.warnf("job database failed: %s", e.getMessage());
        return respond(new ProblemException(503, "database-unavailable", "The job database is unavailable",
                "the job database (PostgreSQL) could not be reached; retry later").with("dependency", "database")
                .retryAfter(5), uri);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        Response.Status.Family family = Response.Status.Family.familyOf(status);
        if (family != Response.Status.Family.CLIENT_ERROR && family != Response.Status.Family.SERVER_ERROR) {
            return e.getResponse();
        }
        String reason = Response.Status.fromStatusCode(status) == null ? "Error"
                : Response.Status.fromStatusCode(status).getReasonPhrase();
        return respond(new ProblemException(status, "http-" + status, reason,
                e.getMessage() == null ? reason : e.getMessage()), uri);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        // the id ties the client's report to the log line, without showing the client any internals
        String errorId = java.util.UUID.randomUUID().toString();
        LOG.errorf(e, "unexpected error %s on %s", errorId, uri == null ? "?" : uri.getPath());
        return respond(new ProblemException(500, "internal-error", "Internal error",
                "the gateway hit an unexpected error; quote error id " + errorId + " when reporting it")
                .with("errorId", errorId), uri);
    }

    static Response respond(ProblemException e, UriInfo uri) {
        Response.ResponseBuilder b = Response.status(e.status())
                .type(Problem.MEDIA_TYPE)
                .entity(JsonCodec.shared().encodeToString(e.toProblem(uri == null ? null : uri.getPath()).toJson()));
        if (e.retryAfterSeconds() > 0) {
            b.header("Retry-After", e.retryAfterSeconds());
        }
        return b.build();
    }
}
