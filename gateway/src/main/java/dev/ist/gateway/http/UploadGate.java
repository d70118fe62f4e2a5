package dev.ist.gateway.http;

import dev.ist.common.codec.JsonCodec;
import dev.ist.common.job.JobLimits;
import dev.ist.gateway.api.Problem;
import dev.ist.gateway.api.ProblemException;
import dev.ist.gateway.config.GatewaySettings;
import dev.ist.gateway.metrics.GatewayMetrics;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The first thing a request body meets, before any of it is read: a body whose declared length is over what its
 * endpoint can accept is refused 413 at once (its bytes are then discarded as they arrive, never buffered), and at
 * most {@code ist.gateway.limits.max-concurrent-uploads} image-carrying requests are in progress (503 beyond).
 * Bodies without a declared length are capped again while they are read (see {@link BoundedBody}).
 */
@ApplicationScoped
public class UploadGate {

    /** Room for the multipart boundaries, part headers, options and styleWeights of one submission. */
    static final long FORM_OVERHEAD = 1024 * 1024;

    private final GatewaySettings settings;
    private final JobLimits limits;
    private final GatewayMetrics metrics;
    private final Semaphore uploads;

    public UploadGate(GatewaySettings settings, JobLimits limits, GatewayMetrics metrics) {
        this.settings = settings;
        this.limits = limits;
        this.metrics = metrics;
        this.uploads = new Semaphore(Math.max(1, settings.limits().maxConcurrentUploads()));
    }

    void install(@Observes Router router) {
        // before the REST layer (and before Vert.x spools a multipart body to disk)
        router.route().order(-1000).handler(this::handle);
    }

    /** What a request may carry at most, or -1 when it is not gated. */
    long maxBody(HttpMethod method, String path, String contentType) {
        if (method != HttpMethod.POST || path == null) {
            return -1;
        }
        boolean multipart = contentType != null
                && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
        return switch (path) {
            case "/v1/jobs" -> multipart ? maxFormImages(limits) * limits.maxInputBytes() + FORM_OVERHEAD
                    : settings.limits().maxJsonBytes();
            case "/v1/images" -> limits.maxInputBytes() + (multipart ? FORM_OVERHEAD : 0);
            default -> -1;
        };
    }

    /**
     * How many images a multipart submission may carry, each of up to max-input-bytes: the content, max-styles style
     * images, an output mask and a style-image mask per style, and the content mask.
     */
    static long maxFormImages(JobLimits limits) {
        return 2L + 3L * limits.maxStyles();
    }

    private static boolean carriesImages(String path, String contentType) {
        if ("/v1/images".equals(path) || "/v1/models".equals(path)) {
            return true;
        }
        return "/v1/jobs".equals(path) && contentType != null
                && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
    }

    private void handle(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        String path = ctx.normalizedPath();
        String type = req.getHeader(HttpHeaders.CONTENT_TYPE);
        long max = maxBody(req.method(), path, type);
        if (max >= 0) {
            long declared = declaredLength(req);
            if (declared > max) {
                metrics.refused("too_many_bytes");
                refuse(ctx, new ProblemException(413, "too-many-bytes", "The request body is too large",
                        "the body has " + declared + " bytes; at most " + max + " are accepted here")
                        .with("limit", max).with("actual", declared));
                return;
            }
        }
        if (req.method() == HttpMethod.POST && carriesImages(path, type)) {
            if (!uploads.tryAcquire()) {
                metrics.refused("too_many_uploads");
                long retry = Math.max(1, settings.limits().uploadsRetryAfter().toSeconds());
                refuse(ctx, new ProblemException(503, "too-many-uploads", "Too many uploads in progress",
                        "the gateway is receiving " + settings.limits().maxConcurrentUploads()
                                + " uploads already; retry shortly").retryAfter(retry));
                return;
            }
            AtomicBoolean released = new AtomicBoolean();
            Runnable release = () -> {
                if (released.compareAndSet(false, true)) {
                    uploads.release();
                }
            };
            // called when the response ends, fails or the connection closes: the slot is always given back
            ctx.addEndHandler(v -> release.run());
        }
        ctx.next();
    }

    private static long declaredLength(HttpServerRequest req) {
        String cl = req.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (cl == null) {
            return -1;
        }
        try {
            return Long.parseLong(cl.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE; // nonsense is refused like too much
        }
    }

    /** Answers now; what the client still sends is read and dropped, so it gets the answer instead of a reset. */
    private static void refuse(RoutingContext ctx, ProblemException p) {
        HttpServerRequest req = ctx.request();
        req.handler(buffer -> { });
        req.resume();
        String body = JsonCodec.shared().encodeToString(p.toProblem(ctx.normalizedPath()).toJson());
        var response = ctx.response().setStatusCode(p.status()).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE);
        if (p.retryAfterSeconds() > 0) {
            response.putHeader("Retry-After", Long.toString(p.retryAfterSeconds()));
        }
        response.end(body);
    }
}
