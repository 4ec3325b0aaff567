package dev.sharelinks.infra;

import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The headers every answer that may carry a capability (a link's URL, a token's value) must have, refusals and
 * unknown paths included: not sniffed, not cached, and not sent on as a referrer.
 */
public final class CapabilityHeaders {

    private CapabilityHeaders() {}

    /** Fails unless the answer has them, given how to read one of its headers by name. */
    public static void assertOn(String answer, Function<String, @Nullable String> header) {
        expect(answer, header, "X-Content-Type-Options", "nosniff");
        expect(answer, header, "Referrer-Policy", "no-referrer");
        String cacheControl = header.apply("Cache-Control");
        if (cacheControl == null || !cacheControl.contains("no-store")) {
            throw new AssertionError(answer + ": Cache-Control " + cacheControl + " lacks no-store");
        }
    }

    private static void expect(String answer, Function<String, @Nullable String> header, String name, String value) {
        String actual = header.apply(name);
        if (!value.equals(actual)) {
            throw new AssertionError(answer + ": " + name + " " + actual + ", expected " + value);
        }
    }
}
