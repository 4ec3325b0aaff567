package dev.sharelinks.redirector.redeem;

import org.jspecify.annotations.Nullable;

/**
 * A request line's target split as WebFlux reads it ({@code ServerHttpRequest.getPath()} and
 * {@code getURI().getRawQuery()}), neither part decoded: the path up to the first {@code ?}, the query after it up
 * to a {@code #}. An absolute-form target ({@code http://host/path}) loses its scheme and host. Reactor Netty's own
 * route matching strips the query from the last {@code ?} instead, and its {@code fullPath()} drops a trailing
 * slash, which a share token's suffix may hold.
 *
 * @param rawPath the path, not decoded; empty for an absolute-form target without one
 * @param rawQuery the query, not decoded, without its {@code ?}; null when the target has no {@code ?}
 */
record RequestTarget(String rawPath, @Nullable String rawQuery) {

    static RequestTarget of(String uri) {
        String target = withoutSchemeAndHost(uri);
        int fragment = target.indexOf('#');
        if (fragment >= 0) {
            target = target.substring(0, fragment);
        }
        int query = target.indexOf('?');
        return query < 0
                ? new RequestTarget(target, null)
                : new RequestTarget(target.substring(0, query), target.substring(query + 1));
    }

    /** As Spring's {@code ReactorUriHelper} resolves it: a {@code ://} before any {@code /}, {@code ?} or {@code #}. */
    private static String withoutSchemeAndHost(String uri) {
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '/' || c == '?' || c == '#') {
                return uri;
            }
            if (uri.startsWith("://", i)) {
                for (int j = i + 3; j < uri.length(); j++) {
                    char d = uri.charAt(j);
                    if (d == '/' || d == '?' || d == '#') {
                        return uri.substring(j);
                    }
                }
                return "";
            }
        }
        return uri;
    }
}
