package dev.sharelinks.linkapi.share;

import dev.sharelinks.events.ShareRequested;
import java.util.IllformedLocaleException;
import java.util.Locale;
import java.util.Optional;

/** The languages share mails are written in, read from a language tag as clients send it. */
public final class ShareLocales {

    private ShareLocales() {}

    /**
     * The supported language a BCP 47 tag names ({@code fi}, {@code fi-FI} and {@code FI} all name {@code fi}); empty
     * for a malformed tag or a language the mails are not written in.
     */
    public static Optional<String> supported(String tag) {
        try {
            String language =
                    new Locale.Builder().setLanguageTag(tag.strip()).build().getLanguage();
            return ShareRequested.LOCALES.contains(language) ? Optional.of(language) : Optional.empty();
        } catch (IllformedLocaleException e) {
            return Optional.empty();
        }
    }
}
