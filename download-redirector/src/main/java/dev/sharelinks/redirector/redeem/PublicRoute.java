package dev.sharelinks.redirector.redeem;

import dev.sharelinks.redirector.page.RefusalPages;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;

/**
 * The two public routes and the contract each speaks: MediaPocket's links answer {@code {"error":"..."}}, Keepeek's
 * share tokens {@code {"status":..,"code":..,"message":..}}. Whichever server code answers a route, its refusals and
 * failures are worded here.
 */
enum PublicRoute {
    LINK(
            "link",
            LinkRedeems.PATH,
            RefusalPages.Route.LINK,
            new HttpMethod[] {HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.OPTIONS},
            "{\"error\":\"Link not found or has expired\"}",
            "{\"error\":\"Too many requests for links that do not exist\"}",
            "{\"error\":\"Service temporarily unavailable\"}",
            "{\"error\":\"Internal server error\"}"),
    SHARE_TOKEN(
            "share-token",
            ShareTokenRedeems.PATH,
            RefusalPages.Route.SHARE_TOKEN,
            new HttpMethod[] {HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS},
            "{\"status\":404,\"code\":\"share-token-not-found\","
                    + "\"message\":\"No active share token answers this URL\"}",
            "{\"status\":429,\"code\":\"too-many-requests\","
                    + "\"message\":\"Too many requests for share URLs that do not exist\"}",
            "{\"status\":503,\"code\":\"service-unavailable\",\"message\":\"Try again in a moment\"}",
            "{\"status\":500,\"code\":\"internal-server-error\",\"message\":\"Internal Server Error\"}");

    private final String tag;
    private final String uri;
    private final RefusalPages.Route pages;

    @SuppressWarnings("ImmutableEnumChecker") // set once here, never written, and handed out as a copy
    private final HttpMethod[] methods;

    private final String notFound;
    private final String tooMany;
    private final String unavailable;
    private final String failed;

    PublicRoute(
            String tag,
            String uri,
            RefusalPages.Route pages,
            HttpMethod[] methods,
            String notFound,
            String tooMany,
            String unavailable,
            String failed) {
        this.tag = tag;
        this.uri = uri;
        this.pages = pages;
        this.methods = methods;
        this.notFound = notFound;
        this.tooMany = tooMany;
        this.unavailable = unavailable;
        this.failed = failed;
    }

    /** The route whose URLs {@code path} (raw, without its query) is under; null for any other path. */
    static @Nullable PublicRoute under(String path) {
        if (path.startsWith(ShareTokenRedeems.PREFIX) || path.equals("/share")) {
            return SHARE_TOKEN;
        }
        return path.startsWith(LinkRedeems.PREFIX) ? LINK : null;
    }

    /** The route's tag in the redirector's own meters ({@code sharelinks.redeem.*}). */
    String tag() {
        return tag;
    }

    /** The route's path pattern, and its {@code uri} tag in {@code http.server.requests}. */
    String uri() {
        return uri;
    }

    RefusalPages.Route pages() {
        return pages;
    }

    /** The methods the route's URLs answer to, for {@code OPTIONS} and a 405's {@code Allow}. */
    HttpMethod[] methods() {
        return methods.clone();
    }

    String notFoundBody() {
        return notFound;
    }

    String tooManyBody() {
        return tooMany;
    }

    String unavailableBody() {
        return unavailable;
    }

    String failedBody() {
        return failed;
    }

    /**
     * A refusal with no answer of its own, in the format of the route {@code route} names: Keepeek's under
     * {@code /share/}, MediaPocket's anywhere else; a 404 is the route's not-found answer.
     */
    static String refusalBody(@Nullable PublicRoute route, HttpStatusCode status) {
        if (status.value() == 404) {
            return route == null ? "{\"error\":\"Not Found\"}" : route.notFoundBody();
        }
        HttpStatus known = HttpStatus.resolve(status.value());
        String reason = known == null ? "Request refused" : known.getReasonPhrase();
        return route == SHARE_TOKEN
                ? "{\"status\":" + status.value() + ",\"code\":\""
                        + reason.toLowerCase(Locale.ROOT).replace(' ', '-') + "\",\"message\":\"" + reason + "\"}"
                : "{\"error\":\"" + reason + "\"}";
    }
}
