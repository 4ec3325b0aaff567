package dev.sharelinks.redirector.visitor;

import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Download receipts: the cookie a redirect of a link sets, so that the same person's next GETs of that link within
 * the grace period (a double click, a browser retry, a reload, a download manager's second request) get the file
 * again without spending another download.
 * <p>
 * A receipt is {@code expiry.keyId.mac}: the MAC (HMAC-SHA256, {@link SigningKeys}) binds it to the link's key and
 * its expiry, so it is worthless on another link, after its time, forged or signed with a retired key. The cookie
 * is HttpOnly, SameSite=Lax, Secure when the public URL is https, and its Path is the link's own URL, so a browser
 * sends it to that link only. A client without a cookie jar ({@code curl}, {@code wrk}) never sends one, and spends
 * a download per request as before.
 */
@Component
public class DownloadReceipts {

    public static final String COOKIE = "sharelinks_receipt";
    private static final String PURPOSE = "download-receipt";

    private final SigningKeys keys;
    private final Duration gracePeriod;
    private final String pathPrefix;
    /** The cookie's attributes after its path: the same for every receipt. */
    private final String attributes;

    private final Clock clock;

    DownloadReceipts(SigningKeys keys, VisitorProperties properties, Clock clock) {
        this.keys = keys;
        this.gracePeriod = properties.receiptGracePeriod();
        String basePath = properties.publicRedeemBaseUrl().getRawPath();
        this.pathPrefix = (basePath == null ? "" : basePath.replaceAll("/+$", "")) + "/api/v2/shareable_links/";
        boolean secure =
                "https".equalsIgnoreCase(properties.publicRedeemBaseUrl().getScheme());
        // Max-Age alone, which every current browser reads: an Expires date (Spring's ResponseCookie writes one) would
        // be formatted on every redirect, and the value and path are base64url and digits, with nothing to quote
        this.attributes =
                "; Max-Age=" + gracePeriod.toSeconds() + (secure ? "; Secure" : "") + "; HttpOnly; SameSite=Lax";
        this.clock = clock;
    }

    /** Whether receipts are issued at all (a grace period of zero turns them off). */
    public boolean enabled() {
        return !gracePeriod.isZero() && !gracePeriod.isNegative();
    }

    /**
     * The {@code Set-Cookie} value of a new receipt for a download of the link {@code key}; null when off, or for a
     * key that cannot be a cookie's path (link-api's keys are base64url; a {@code ;} would end the path).
     */
    public @Nullable String issue(String key) {
        if (!enabled() || key.indexOf(';') >= 0) {
            return null;
        }
        String expiry = String.valueOf(clock.instant().plus(gracePeriod).getEpochSecond());
        return COOKIE + "=" + expiry + "." + keys.sign(PURPOSE, key, expiry) + "; Path=" + pathPrefix + key
                + attributes;
    }

    /**
     * Whether the request's {@code Cookie} header holds an unexpired receipt of this link signed with a current
     * key. Anything else (no header, another link's, expired, forged, a retired key's) is no receipt.
     */
    public boolean holdsReceipt(String key, @Nullable String cookieHeader) {
        if (cookieHeader == null || !enabled() || !cookieHeader.contains(COOKIE)) {
            return false;
        }
        long now = clock.instant().getEpochSecond();
        for (Cookie cookie : ServerCookieDecoder.LAX.decodeAll(cookieHeader)) {
            if (COOKIE.equals(cookie.name()) && valid(key, cookie.value(), now)) {
                return true;
            }
        }
        return false;
    }

    private boolean valid(String key, String value, long now) {
        int dot = value.indexOf('.');
        if (dot <= 0) {
            return false;
        }
        String expiry = value.substring(0, dot);
        long expiresAt;
        try {
            expiresAt = Long.parseLong(expiry);
        } catch (NumberFormatException e) {
            return false;
        }
        // a receipt never outlives one grace period from now, whatever its signed expiry says
        return expiresAt > now
                && expiresAt <= now + gracePeriod.toSeconds()
                && keys.verify(value.substring(dot + 1), PURPOSE, key, expiry);
    }
}
