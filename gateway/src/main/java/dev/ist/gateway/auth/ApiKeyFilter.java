package dev.ist.gateway.auth;

import dev.ist.gateway.api.ProblemException;
import dev.ist.gateway.metrics.GatewayMetrics;
import jakarta.inject.Singleton;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Optional;

/**
 * Authenticates every API request: {@code Authorization: Bearer <key>} or {@code X-Api-Key: <key>}. A wrong key is
 * refused even when anonymous access is enabled (a typo should not silently become anonymous).
 */
@Singleton
public class ApiKeyFilter {

    private final ApiKeys keys;
    private final CurrentCaller current;
    private final GatewayMetrics metrics;
    private final AnonymousGuard guard;

    // the filter is built while RESTEasy deploys (static init); its collaborators are lazy proxies
    public ApiKeyFilter(ApiKeys keys, CurrentCaller current, GatewayMetrics metrics, AnonymousGuard guard) {
        this.guard = guard;
        this.keys = keys;
        this.current = current;
        this.metrics = metrics;
    }

    @ServerRequestFilter
    public Optional<Response> authenticate(ContainerRequestContext ctx) {
        String auth = ctx.getHeaderString(HttpHeaders.AUTHORIZATION);
        String apiKeyHeader = ctx.getHeaderString("X-Api-Key");
        if (auth != null && bearerKey(auth) == null) {
            // "Basic …", "Bearer" with nothing after it, any other scheme: a credential we cannot check is refused,
            // never taken as anonymous
            return refuse(ctx, 401, "unauthorized", "Authentication required",
                    "only 'Authorization: Bearer <key>' (or 'X-Api-Key: <key>') is accepted");
        }
        if (auth == null && apiKeyHeader != null && apiKeyHeader.isBlank()) {
            return refuse(ctx, 401, "unauthorized", "Authentication required", "the X-Api-Key header is empty");
        }
        String presented = auth != null ? bearerKey(auth) : apiKeyHeader == null ? null : apiKeyHeader.trim();
        Optional<Caller> caller = presented == null ? keys.registry().anonymous() : keys.registry().lookup(presented);
        if (caller.isPresent()) {
            if (presented == null) {
                Optional<String> why = guard.refusal(ctx.getMethod(), ctx.getHeaderString(HttpHeaders.HOST),
                        ctx.getHeaderString("Origin"));
                if (why.isPresent()) {
                    return refuse(ctx, 403, "cross-origin-refused", "Not allowed without an API key", why.get());
                }
            }
            current.set(caller.get());
            return Optional.empty();
        }
        String detail = presented == null
                ? "this gateway needs an API key: send 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'"
                : "the API key is not valid";
        return refuse(ctx, 401, "unauthorized", "Authentication required", detail);
    }

    private Optional<Response> refuse(ContainerRequestContext ctx, int status, String slug, String title,
                                      String detail) {
        metrics.refused(status == 401 ? "unauthorized" : "forbidden");
        ProblemException p = new ProblemException(status, slug, title, detail);
        Response.ResponseBuilder b = Response.status(status)
                .type(dev.ist.gateway.api.Problem.MEDIA_TYPE)
                .entity(dev.ist.common.codec.JsonCodec.shared().encodeToString(
                        p.toProblem(ctx.getUriInfo().getPath()).toJson()));
        if (status == 401) {
            b.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"ist\"");
        }
        return Optional.of(b.build());
    }

    /** The key of a well-formed "Bearer <key>" header, else null. */
    private static String bearerKey(String auth) {
        if (auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String k = auth.substring(7).trim();
            return k.isEmpty() ? null : k;
        }
        return null;
    }
}
