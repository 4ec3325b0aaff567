package dev.sharelinks.redirector.redeem;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The {@code ref} a recipient's mail adds to a link's URL (link-api's per-recipient reference: 128 random bits,
 * base64url). The redirector only checks its shape and records it with the download; link-api decides whose it is.
 * Anything else is dropped, so the download counts and is attributed to nobody.
 */
final class RecipientRefs {

    static final String PARAMETER = "ref";
    private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9_-]{22}");

    private RecipientRefs() {}

    /** The reference if it has a reference's shape, else null. */
    static @Nullable String wellFormed(@Nullable String ref) {
        return ref != null && WELL_FORMED.matcher(ref).matches() ? ref : null;
    }
}
