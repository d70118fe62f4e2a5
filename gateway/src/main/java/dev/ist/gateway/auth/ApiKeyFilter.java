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

    // the filter is built while RESTEasy deploys (static init); its collaborators are lazy proxies
    public ApiKeyFilter(ApiKeys keys, CurrentCaller current, GatewayMetrics metrics) {
        this.keys = keys;
        this.current = current;
        this.metrics = metrics;
    }

    @ServerRequestFilter
    public Optional<Response> authenticate(ContainerRequestContext ctx) {
        String presented = presentedKey(ctx);
        Optional<Caller> caller = presented == null ? keys.registry().anonymous() : keys.registry().lookup(presented);
        if (caller.isPresent()) {
            current.set(caller.get());
            return Optional.empty();
        }
        metrics.refused("unauthorized");
        String detail = presented == null
                ? "this gateway needs an API key: send 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'"
                : "the API key is not valid";
        ProblemException p = new ProblemException(401, "unauthorized", "Authentication required", detail);
        return Optional.of(Response.status(401)
                .type(dev.ist.gateway.api.Problem.MEDIA_TYPE)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"ist\"")
                .entity(dev.ist.common.codec.JsonCodec.shared().encodeToString(
                        p.toProblem(ctx.getUriInfo().getPath()).toJson()))
                .build());
    }

    private static String presentedKey(ContainerRequestContext ctx) {
        String auth = ctx.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String k = auth.substring(7).trim();
            if (!k.isEmpty()) {
                return k;
            }
        }
        String k = ctx.getHeaderString("X-Api-Key");
        return k == null || k.isBlank() ? null : k.trim();
    }
}
