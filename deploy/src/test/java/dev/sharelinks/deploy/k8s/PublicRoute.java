package dev.sharelinks.deploy.k8s;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The Gateway API route of an overlay that takes the public requests, read as a gateway reads its matches. */
record PublicRoute(HTTPRoute route) {

    static PublicRoute of(RenderedManifests overlay) {
        return new PublicRoute(overlay.named(HTTPRoute.class, "sharelinks"));
    }

    Stream<HTTPBackendRef> backends() {
        return route.getSpec().getRules().stream().flatMap(rule -> rule.getBackendRefs().stream());
    }

    /** The services of every rule that takes the request; a rule without matches takes every request. */
    List<String> servicesTaking(String method, String path) {
        return route.getSpec().getRules().stream()
                .filter(rule -> rule.getMatches().isEmpty()
                        || rule.getMatches().stream().anyMatch(match -> matches(match, method, path)))
                .flatMap(rule -> rule.getBackendRefs().stream())
                .map(HTTPBackendRef::getName)
                .toList();
    }

    /** Gateway API's method and path matches; no ranking among rules, as the test lets at most one match. */
    private static boolean matches(HTTPRouteMatch match, String method, String path) {
        String type = match.getPath() == null ? "PathPrefix" : match.getPath().getType();
        String value = match.getPath() == null ? "/" : match.getPath().getValue();
        String regex = switch (type) {
            case "Exact" -> Pattern.quote(value);
            // whole path elements: /share matches /share/x, not /shares
            case "PathPrefix" -> Pattern.quote(value.replaceAll("/$", "")) + "(/.*)?";
            case "RegularExpression" -> value;
            default -> throw new AssertionError("no path match type " + type);
        };
        return path.matches(regex)
                && (match.getMethod() == null || match.getMethod().equals(method));
    }
}
