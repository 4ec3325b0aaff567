package dev.sharelinks.operator;

import java.util.function.Function;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;

/**
 * A vendor API's error format and the paths it covers. With a bean of it, every refusal and failure under those
 * paths that no controller advice of the API answered is written in it ({@link VendorErrorsAutoConfiguration}):
 * an unmapped path, a method the path does not take, a failure in a filter. Elsewhere (the admin API) WebFlux's
 * errors stay RFC 9457 problem details.
 *
 * @param pathPrefix the API's paths, {@code /api/v2} say: that path and every path under it
 * @param body the error body for a status, serialized as JSON
 */
public record VendorErrorFormat(String pathPrefix, Function<HttpStatusCode, Object> body) {

    /** Whether the request is under the API's paths. */
    public boolean covers(ServerWebExchange exchange) {
        return covers(exchange.getRequest().getPath().pathWithinApplication().value());
    }

    /** Whether a path, raw or decoded, is under the API's paths. */
    public boolean covers(String path) {
        return path.equals(pathPrefix) || path.startsWith(pathPrefix + "/");
    }
}
